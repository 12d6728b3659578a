-- INO-II-ADULT-VASOREACT | policy II | deny
-- Flags: an adult treated with iNO after a positive vasoreactivity test.
-- Parameters: adult_min_years.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

adults as (
    select * from judged where is_adult
),

final as (
    select
        'INO-II-ADULT-VASOREACT' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('adult ({} years) with a positive vasoreactivity test', age_years) as message,
        to_json({
            'age_years': age_years,
            'positive_vasoreactivity_test': eff_positive_vasoreactivity_test
        }) as evidence
    from adults
    where eff_positive_vasoreactivity_test
)

select * from final
