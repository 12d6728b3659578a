-- Determinations by claim count and paid dollars, worst first; every determination is listed.
with

determinations as (
    select * from determinations
),

severities as (
    select * from severities
),

outcomes as (
    select determination, rank
    from severities
    where determination is not null
    union all
    select 'supported', 0
),

counted as (
    select
        outcomes.determination,
        outcomes.rank,
        count(determinations.claim_id) as claims,
        coalesce(sum(determinations.paid_amount), 0)::decimal(18, 2) as paid_amount,
        coalesce(sum(determinations.amount_at_risk), 0)::decimal(18, 2) as amount_at_risk
    from outcomes
    left join determinations using (determination)
    group by outcomes.determination, outcomes.rank
),

final as (
    select
        determination,
        claims,
        coalesce(claims / nullif(sum(claims) over (), 0), 0)::double as claim_share,
        paid_amount,
        coalesce(paid_amount / nullif(sum(paid_amount) over (), 0), 0)::double as paid_share,
        amount_at_risk,
        rank
    from counted
)

select * from final
order by rank desc
