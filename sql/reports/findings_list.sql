-- Every finding with its claim's determination, for the case workbook's findings sheet.
with

findings as (
    select * from export_findings
),

determinations as (
    select * from determinations
),

final as (
    select
        findings.claim_id,
        determinations.determination,
        findings.episode_id,
        findings.provider_id,
        findings.rule_id,
        findings.severity,
        findings.policy_section,
        findings.message,
        findings.evidence::varchar as evidence
    from findings
    left join determinations using (claim_id)
)

select * from final
order by claim_id nulls last, rule_id, provider_id
