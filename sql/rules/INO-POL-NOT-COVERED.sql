-- INO-POL-NOT-COVERED | policy file ([pathways] of the claim's policy) | deny
-- Flags: an initiating course whose indication is a pathway the installed policy names as not
-- covered (policy_pathways.covered = false), for example perioperative use in children,
-- COVID-19 ARDS or vasoreactivity testing. The pathway is the first the policy names, in the
-- contract's order (judged.sql). The evidence names the indication, its tag (investigational or
-- not medically necessary, which chooses the denial code) and the section of the policy.
-- Applies only under a policy that enables it.
-- Parameters: none (the pathways are the policy's).
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

uncovered as (
    select pathway, label, tag, policy_section
    from policy_pathways
    semi join params using (policy_version)
    where not covered
),

courses as (
    select judged.*, uncovered.label, uncovered.tag, uncovered.policy_section
    from judged
    inner join uncovered using (pathway)
),

final as (
    select
        'INO-POL-NOT-COVERED' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'indication not covered by the policy: {} ({} under {})',
            label, replace(tag, '_', ' '), policy_section
        ) as message,
        to_json({
            'indication': pathway, 'label': label, 'tag': tag,
            'policy_section': policy_section, 'age_days': age_days, 'age_years': age_years,
            'surgery_context': surgery_context, 'covid_codes': course_covid_codes,
            'vasoreactivity_test': course_is_vasoreactivity_test
        }) as evidence
    from courses
)

select * from final
