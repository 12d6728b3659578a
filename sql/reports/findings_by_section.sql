-- Findings by policy section: rules that fired, findings, claims touched and their dollars.
with

findings as (
    select * from findings
),

determinations as (
    select * from determinations
),

severities as (
    select * from severities
),

claim_sections as (
    select distinct policy_section, claim_id, severity
    from findings
    where claim_id is not null
),

section_claims as (
    select
        claim_sections.policy_section,
        count(distinct claim_sections.claim_id) as claims,
        coalesce(
            sum(determinations.amount_at_risk) filter (where claim_sections.severity = 'deny'),
            0
        )::decimal(18, 2
        ) as amount_at_risk
    from claim_sections
    inner join determinations using (claim_id)
    group by claim_sections.policy_section
),

section_findings as (
    select
        policy_section,
        count(distinct rule_id) as rules,
        count(*) as findings,
        max(severities.rank) as worst_rank,
        arg_max(severity, severities.rank) as worst_severity
    from findings
    inner join severities using (severity)
    group by policy_section
),

final as (
    select
        section_findings.policy_section,
        section_findings.rules,
        section_findings.findings,
        coalesce(section_claims.claims, 0) as claims,
        coalesce(section_claims.amount_at_risk, 0)::decimal(18, 2) as amount_at_risk,
        section_findings.worst_severity
    from section_findings
    left join section_claims using (policy_section)
)

select * from final
order by amount_at_risk desc, findings desc, policy_section
