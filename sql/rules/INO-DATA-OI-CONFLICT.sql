-- INO-DATA-OI-CONFLICT | data consistency (no policy section) | review
-- Flags: a documented oxygenation index that differs from the one computed from FiO2, mean
-- airway pressure and PaO2 by more than the tolerance.
-- Parameters: oi_conflict_fraction.
with

judged_in as (
    select judged.*, params.oi_conflict_fraction
    from judged
    cross join params
),

final as (
    select
        'INO-DATA-OI-CONFLICT' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('documented OI {} differs from computed OI {} by more than {}%',
            oxygenation_index, oi_computed, oi_conflict_fraction * 100) as message,
        to_json({
            'oi_documented': oxygenation_index, 'oi_computed': oi_computed, 'fio2': fio2,
            'mean_airway_pressure_cmh2o': mean_airway_pressure_cmh2o, 'pao2_mmhg': pao2_mmhg,
            'oi_conflict_fraction': oi_conflict_fraction
        }) as evidence
    from judged_in
    where oi_conflict
)

select * from final
