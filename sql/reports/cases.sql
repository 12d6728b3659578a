-- Case list for reviewers: one row per iNO claim that is not supported, with its rule ids, the
-- findings' messages in plain language, the records to request (rules/records_checklist.csv;
-- INO-DOC-INCOMPLETE names the missing fields from its evidence), the key evidence and the
-- dollars. Evidence over several judged courses: lowest GA and OI, longest episode, highest dose,
-- earliest review. Member ids come from export_determinations (masked when asked).
-- Review columns (docs/recovery.md): status, look-back, confirmed overpayment, and the reviewer's
-- input columns pre-filled with the claim's current decision.
with

determinations as (
    select * from export_determinations
),

claims as (
    select * from ino_claims
),

findings as (
    select * from findings
),

severities as (
    select * from severities
),

checklist as (
    select * from report_records_checklist
),

judged as (
    select * from judged
),

claim_links as (
    select * from claim_links
),

courses as (
    select * from courses
),

claim_episodes as (
    select * from claim_episodes
),

claim_providers as (
    select * from claim_providers
),

reviews as (
    select * from review_claim_status
),

flagged as (
    select *
    from determinations
    where determination <> 'supported'
),

claim_findings as (
    select
        findings.claim_id,
        findings.rule_id,
        findings.message,
        findings.evidence,
        severities.rank
    from export_findings as findings  -- ages coarsened when member ids are masked
    inner join severities using (severity)
    semi join flagged using (claim_id)
),

reasons as (
    select
        claim_id,
        string_agg(rule_id || ': ' || message, chr(10) order by rank desc, rule_id)
        filter (where rank > 0) as reasons,
        string_agg(rule_id || ': ' || message, chr(10) order by rule_id)
        filter (where rank = 0) as other_notes
    from claim_findings
    group by claim_id
),

requests as (
    select
        claim_findings.claim_id,
        string_agg(
            '[ ] ' || replace(
                checklist.request,
                '{missing_fields}',
                coalesce(
                    array_to_string(
                        json_extract_string(claim_findings.evidence, '$.missing_fields[*]'), ', '
                    ),
                    'the fields named in the finding'
                )
            ),
            chr(10) order by claim_findings.rank desc, claim_findings.rule_id
        ) as records_to_request
    from claim_findings
    inner join checklist using (rule_id)
    where claim_findings.rank > 0
    group by claim_findings.claim_id
),

course_evidence as (
    select
        claim_id,
        min(ga_weeks) as gestational_age_weeks,
        min(oi_used) as oxygenation_index,
        string_agg(distinct delivery_route, ', ' order by delivery_route) as delivery_route
    from judged
    semi join flagged using (claim_id)
    where billed
    group by claim_id
),

doses as (
    select claim_links.claim_id, max(courses.max_dose_ppm) as max_dose_ppm
    from claim_links
    inner join courses using (encounter_id)
    semi join flagged on flagged.claim_id = claim_links.claim_id
    group by claim_links.claim_id
),

episode_evidence as (
    select
        claim_id,
        max(duration_hours) as episode_hours,
        min(first_review_date) as review_date
    from claim_episodes
    semi join flagged using (claim_id)
    group by claim_id
),

providers as (
    select claim_id, string_agg(provider_id, '; ' order by provider_id) as provider_ids
    from claim_providers
    semi join flagged using (claim_id)
    group by claim_id
),

final as (
    select
        flagged.claim_id,
        flagged.member_id,
        flagged.determination,
        flagged.amount_at_risk,
        flagged.paid_amount,
        reviews.review_status,
        reviews.lookback_status,
        reviews.confirmed_overpayment,
        reviews.disposition,
        reviews.reviewed_overpayment,
        reviews.reviewer,
        reviews.reviewed_on,
        reviews.note,
        claims.claim_start_date,
        claims.claim_end_date,
        providers.provider_ids,
        flagged.rule_ids,
        reasons.reasons,
        requests.records_to_request,
        course_evidence.gestational_age_weeks,
        round(course_evidence.oxygenation_index, 1) as oxygenation_index,
        course_evidence.delivery_route,
        round(episode_evidence.episode_hours, 1) as episode_hours,
        doses.max_dose_ppm,
        episode_evidence.review_date,
        reasons.other_notes
    from flagged
    inner join claims using (claim_id)
    left join reasons using (claim_id)
    left join requests using (claim_id)
    left join course_evidence using (claim_id)
    left join doses using (claim_id)
    left join episode_evidence using (claim_id)
    left join providers using (claim_id)
    left join reviews using (claim_id)
)

select * from final
order by amount_at_risk desc, paid_amount desc, claim_id
