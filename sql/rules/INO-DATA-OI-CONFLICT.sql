-- INO-DATA-OI-CONFLICT | data consistency (no policy section) | review
-- Flags: a documented oxygenation index that differs from the one computed from FiO2, mean
-- airway pressure and PaO2 by more than the tolerance, on every course linked to the claim (a
-- continuing course takes its initiating course's value for each null). Reads the fact
-- oi_difference_fraction (|documented - computed| / computed) of course_facts.
-- Parameters: oi_conflict_fraction.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
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
        format(
            'documented OI {} differs from computed OI {} by more than {}%',
            eff_oxygenation_index, oi_computed, oi_conflict_fraction * 100
        ) as message,
        to_json({
            'oi_documented': eff_oxygenation_index, 'oi_computed': oi_computed, 'fio2': eff_fio2,
            'mean_airway_pressure_cmh2o': eff_mean_airway_pressure_cmh2o,
            'pao2_mmhg': eff_pao2_mmhg,
            'oi_conflict_fraction': oi_conflict_fraction
        }) as evidence
    from judged_in
    where oi_difference_fraction > oi_conflict_fraction
)

select * from final
