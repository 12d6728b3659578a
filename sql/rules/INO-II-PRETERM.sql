-- INO-II-PRETERM | policy II | deny
-- Flags: a newborn or infant (under 1 year at episode start) born before 34 completed weeks:
-- gestational age from the course, else the lowest week implied by a P07.x code on the claim.
-- Parameters: min_gestational_weeks, infant_max_years.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

young as (
    select judged.*, params.min_gestational_weeks
    from judged
    cross join params
    where is_infant
),

final as (
    select
        'INO-II-PRETERM' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'born at {} weeks ({}), under {} weeks', ga_weeks, ga_source,
            min_gestational_weeks
        ) as message,
        to_json({
            'gestational_age_weeks': ga_weeks, 'ga_source': ga_source, 'ga_codes': ga_codes,
            'age_days': age_days, 'min_gestational_weeks': min_gestational_weeks
        }) as evidence
    from young
    where ga_weeks < min_gestational_weeks
)

select * from final
