-- Review by rule: for every deny, records and review rule, the claims it flags, how many the
-- reviewers decided and how (by the claim's current decision), the overturn rate, and dollars
-- confirmed vs still at risk. A rule reviewers overturn often is a rule to fix.
with

status as (
    select * from review_claim_status
),

registry as (
    select * from rules_registry semi join rules_in_use using (rule_id)
),

severities as (
    select * from severities
),

claim_rules as (
    select
        status.*,
        unnest(string_split(coalesce(status.rule_ids, status.reviewed_rule_ids), ';')) as rule_id
    from status
),

per_rule as (
    select
        rule_id,
        count(*) as claims,
        count(*) filter (where review_status = 'reviewed') as reviewed,
        count(*) filter (where review_status = 'open') as open,
        count(*) filter (where review_status = 'reviewed' and disposition = 'upheld') as upheld,
        count(*) filter (where review_status = 'reviewed' and disposition = 'partial') as partial,
        count(*) filter (where review_status = 'reviewed' and disposition = 'overturned')
            as overturned,
        count(*) filter (
            where review_status = 'reviewed' and disposition = 'records_not_received'
        ) as records_not_received,
        coalesce(sum(recoverable_overpayment), 0)::decimal(18, 2) as confirmed_recoverable,
        coalesce(sum(open_at_risk), 0)::decimal(18, 2) as open_at_risk
    from claim_rules
    group by rule_id
),

final as (
    select
        registry.rule_id,
        registry.severity,
        coalesce(per_rule.claims, 0) as claims,
        coalesce(per_rule.reviewed, 0) as reviewed,
        coalesce(per_rule.open, 0) as open,
        coalesce(per_rule.upheld, 0) as upheld,
        coalesce(per_rule.partial, 0) as partial,
        coalesce(per_rule.overturned, 0) as overturned,
        coalesce(per_rule.records_not_received, 0) as records_not_received,
        per_rule.overturned / nullif(per_rule.reviewed, 0) as overturn_share,
        coalesce(per_rule.confirmed_recoverable, 0)::decimal(18, 2) as confirmed_recoverable,
        coalesce(per_rule.open_at_risk, 0)::decimal(18, 2) as open_at_risk
    from registry
    inner join severities using (severity)
    left join per_rule using (rule_id)
    where severities.rank > 0
    order by severities.rank desc, registry.rule_id
)

select * from final
