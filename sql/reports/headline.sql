-- Report headline: iNO claims, paid dollars, dollars at risk and claims that need action.
with

determinations as (
    select * from determinations
),

final as (
    select
        count(*) as claims,
        count(*) filter (where determination <> 'supported') as flagged_claims,
        coalesce(sum(paid_amount), 0)::decimal(18, 2) as paid_amount,
        coalesce(sum(amount_at_risk), 0)::decimal(18, 2) as amount_at_risk,
        coalesce(sum(amount_at_risk) / nullif(sum(paid_amount), 0), 0)::double as at_risk_share
    from determinations
)

select * from final
