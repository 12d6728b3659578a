-- INO-IA2A-OI | policy I.A.2.a.iv | deny
-- Flags: a newborn (neonatal pathway) course whose oxygenation index before iNO is below the
-- minimum (documented OI, else FiO2 x mean airway pressure x 100 / PaO2).
-- Parameters: min_oxygenation_index.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
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
        format(
            'oxygenation index {} ({}) is below {}', oi_used, oi_source,
            min_oxygenation_index
        ) as message,
        to_json({
            'oi': oi_used, 'oi_source': oi_source, 'oi_documented': eff_oxygenation_index,
            'oi_computed': oi_computed, 'fio2': eff_fio2,
            'mean_airway_pressure_cmh2o': eff_mean_airway_pressure_cmh2o,
            'pao2_mmhg': eff_pao2_mmhg,
            'min_oxygenation_index': min_oxygenation_index
        }) as evidence
    from neonatal
    where oi_used < min_oxygenation_index
)

select * from final
