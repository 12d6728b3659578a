-- INO-IA2A-OI | policy I.A.2.a.iv | deny
-- Flags: a newborn (neonatal pathway) course whose oxygenation index before iNO is below the
-- minimum (documented OI, else FiO2 x mean airway pressure x 100 / PaO2).
-- Parameters: min_oxygenation_index.
with

neonatal as (
    select judged.*, params.min_oxygenation_index
    from judged
    cross join params
    where pathway = 'neonatal'
),

final as (
    select
        'INO-IA2A-OI' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('oxygenation index {} ({}) is below {}', oi_used, oi_source,
            min_oxygenation_index) as message,
        to_json({
            'oi': oi_used, 'oi_source': oi_source, 'oi_documented': oxygenation_index,
            'oi_computed': oi_computed, 'fio2': fio2,
            'mean_airway_pressure_cmh2o': mean_airway_pressure_cmh2o, 'pao2_mmhg': pao2_mmhg,
            'min_oxygenation_index': min_oxygenation_index
        }) as evidence
    from neonatal
    where oi_used < min_oxygenation_index
)

select * from final
