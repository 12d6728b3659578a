-- INO-IA2-NONE | policy I.A.2 | deny
-- Flags: an initiating course that fits none of the covered indications (perioperative child,
-- COVID-19, newborn, or a pathway the policy adds), when no exclusion already denies the claim
-- for a named reason: the exclusions are the rules this rule runs after (registry column
-- `after`, table rule_dependencies: section II and the policy's own exclusion lists), counted
-- when their severity under the installed policy is deny. Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

no_pathway as (
    select * from judged where pathway = 'none'
),

exclusions as (
    select after_rule_id as rule_id
    from denying_dependencies
    where rule_id = 'INO-IA2-NONE'
),

excluded_claims as (
    select distinct claim_id from rule_hits semi join exclusions using (rule_id)
),

final as (
    select
        'INO-IA2-NONE' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'no covered indication: age {}, surgery context {}, no COVID-19 code',
            case when age_years >= 1 then age_years || ' years' else age_days || ' days' end,
            coalesce(surgery_context, 'none')
        ) as message,
        to_json({
            'age_days': age_days, 'age_years': age_years,
            'surgery_context': surgery_context, 'covid_codes': course_covid_codes
        }) as evidence
    from no_pathway
    anti join excluded_claims using (claim_id)
)

select * from final
