-- INO-II-ADULT-ARDS | policy II | deny
-- Flags: an adult whose claim carries ARDS / acute lung injury (value set ards_dx) and no
-- COVID-19 code (value set covid_dx); ARDS with COVID-19 is judged by I.A.2.c instead.
-- Parameters: adult_min_years.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

adults as (
    select * from judged where is_adult
),

final as (
    select
        'INO-II-ADULT-ARDS' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('adult ({} years) treated for ARDS without COVID-19', age_years) as message,
        to_json({ 'age_years': age_years, 'ards_codes': ards_codes, 'covid_codes': covid_codes })
            as evidence
    from adults
    where has_ards_dx and not has_covid_dx
)

select * from final
