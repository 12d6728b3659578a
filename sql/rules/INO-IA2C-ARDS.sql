-- INO-IA2C-ARDS | policy I.A.2.c.i | deny
-- Flags: a COVID-19 pathway course whose claim carries no ARDS diagnosis (value set ards_dx).
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

covid as (
    select * from judged where pathway = 'covid'
),

final as (
    select
        'INO-IA2C-ARDS' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'COVID-19 course but the claim has no ARDS diagnosis (J80)' as message,
        to_json({ 'covid_codes': course_covid_codes, 'claim_dx_codes': dx_codes }) as evidence
    from covid
    where not has_ards_dx
)

select * from final
