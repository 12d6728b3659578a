-- INO-IA2C-HYPOX | policy I.A.2.c.ii | deny
-- Flags: a COVID-19 pathway course where hypoxemia is not documented as persisting despite
-- optimized ventilation and other rescue strategies.
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

covid as (
    select * from judged where pathway = 'covid'
),

final as (
    select
        'INO-IA2C-HYPOX' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'COVID-19 course without hypoxemia despite optimized ventilation' as message,
        to_json({
            'covid_codes': course_covid_codes,
            'optimized_ventilation_failed': optimized_ventilation_failed
        }) as evidence
    from covid
    where optimized_ventilation_failed = false
)

select * from final
