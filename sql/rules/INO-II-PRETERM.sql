-- INO-II-PRETERM | policy II | deny
-- Flags: a newborn or infant (under 1 year at episode start) whose gestational age at birth is
-- outside the policy's covered range (CP.MP.87: 34 weeks or more, so below 34 is excluded;
-- a policy covering "more than 34 weeks" also excludes 34 exactly): gestational age from the
-- course, else the lowest week implied by a P07.x code on the claim. A code for the boundary
-- week itself under a "more than" policy settles nothing (judged.ga_unsettled): the record is
-- asked for instead (INO-DOC-INCOMPLETE).
-- Parameters: min_gestational_weeks, gestational_age_operator, infant_max_years.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

young as (
    select judged.*, params.min_gestational_weeks, params.gestational_age_operator
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
            'born at {} weeks ({}), {} {} weeks', ga_weeks, ga_source,
            case when gestational_age_operator = '>' then 'at or under' else 'under' end,
            min_gestational_weeks
        ) as message,
        case
            when gestational_age_operator = '>'
                then
                    to_json({
                        'gestational_age_weeks': ga_weeks, 'ga_source': ga_source, 'ga_codes': ga_codes,
                        'age_days': age_days, 'min_gestational_weeks': min_gestational_weeks,
                        'covered_when_weeks': '> ' || min_gestational_weeks
                    })
            else to_json({
                'gestational_age_weeks': ga_weeks, 'ga_source': ga_source, 'ga_codes': ga_codes,
                'age_days': age_days, 'min_gestational_weeks': min_gestational_weeks
            })
        end as evidence
    from young
    where
        not ga_covered(ga_weeks, gestational_age_operator, min_gestational_weeks)
        and not ga_unsettled
)

select * from final
