-- Findings by rule: every registry rule with its finding count, the claims it touches and their
-- dollars (paid, and at risk where the claim is not supported), worst severity first.
with

registry as (
    select * from rules_registry semi join rules_in_use using (rule_id)
),

severities as (
    select * from severities
),

findings as (
    select * from findings
),

determinations as (
    select * from determinations
),

per_rule as (
    select
        findings.rule_id,
        count(*) as findings,
        count(distinct findings.claim_id) as claims,
        count(distinct findings.provider_id) filter (where findings.claim_id is null)
            as providers,
        coalesce(sum(determinations.paid_amount), 0)::decimal(18, 2) as paid_amount,
        coalesce(sum(determinations.amount_at_risk), 0)::decimal(18, 2) as amount_at_risk
    from findings
    left join determinations using (claim_id)
    group by findings.rule_id
),

final as (
    select
        registry.rule_id,
        registry.severity,
        registry.policy_section,
        registry.criterion,
        coalesce(per_rule.findings, 0) as findings,
        coalesce(per_rule.claims, 0) as claims,
        coalesce(per_rule.providers, 0) as providers,
        coalesce(per_rule.paid_amount, 0)::decimal(18, 2) as paid_amount,
        coalesce(per_rule.amount_at_risk, 0)::decimal(18, 2) as amount_at_risk,
        severities.rank
    from registry
    inner join severities using (severity)
    left join per_rule using (rule_id)
)

select * from final
order by rank desc, findings desc, rule_id
