-- INO-II-ADULT-POSTOP | policy II | deny
-- Flags: an adult treated in a surgical context (post-operative cardiac surgery in adults is
-- excluded by the policy).
-- Parameters: adult_min_years.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

adults as (
    select * from judged where is_adult
),

final as (
    select
        'INO-II-ADULT-POSTOP' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'adult ({} years) treated in surgical context {}', age_years,
            eff_surgery_context
        ) as message,
        to_json({ 'age_years': age_years, 'surgery_context': eff_surgery_context }) as evidence
    from adults
    where coalesce(eff_surgery_context, 'none') <> 'none'
)

select * from final
