-- Determinations (contract §4): one row per iNO claim. The worst severity among its deny,
-- records and review findings decides; outlier and info findings change nothing.
create or replace table determinations as
with

claims as (
    select * from ino_claims
),

deciding as (
    select findings.claim_id, findings.rule_id, severities.rank
    from findings
    inner join severities using (severity)
    where severities.rank > 0 and findings.claim_id is not null
),

per_claim as (
    select
        claim_id,
        max(rank) as worst_rank,
        string_agg(distinct rule_id, ';' order by rule_id) as rule_ids
    from deciding
    group by claim_id
),

final as (
    select
        claims.claim_id,
        claims.member_id,
        coalesce(severities.determination, 'supported') as determination,
        coalesce(per_claim.rule_ids, '') as rule_ids,
        claims.paid_amount,
        case when severities.severity = 'deny' then claims.paid_amount else 0 end::decimal(18, 2)
            as amount_at_risk
    from claims
    left join per_claim using (claim_id)
    left join severities on severities.rank = per_claim.worst_rank and severities.rank > 0
)

select * from final
order by claim_id;
