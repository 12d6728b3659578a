-- Determinations (contract §4): one row per iNO claim. The worst severity among its deny,
-- records and review findings decides; outlier and info findings change nothing. A denied
-- claim's whole paid amount is at risk, unless every deny finding it has puts only part of it
-- at risk (evidence amount_at_risk: INO-POL-MAX-DAYS, the lines dated beyond a policy's
-- maximum duration); then the largest such part is at risk.
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

denials as (
    select
        claim_id,
        bool_or(evidence ->> 'amount_at_risk' is null) as whole_claim,
        max((evidence ->> 'amount_at_risk')::decimal(18, 2)) as part_at_risk
    from findings
    where severity = 'deny' and claim_id is not null
    group by claim_id
),

final as (
    select
        claims.claim_id,
        claims.member_id,
        coalesce(severities.determination, 'supported') as determination,
        coalesce(per_claim.rule_ids, '') as rule_ids,
        claims.paid_amount,
        case
            when severities.severity <> 'deny' or severities.severity is null then 0
            when denials.whole_claim then claims.paid_amount
            else least(claims.paid_amount, denials.part_at_risk)
        end::decimal(18, 2) as amount_at_risk
    from claims
    left join per_claim using (claim_id)
    left join denials using (claim_id)
    left join severities on severities.rank = per_claim.worst_rank and severities.rank > 0
)

select * from final
order by claim_id;
