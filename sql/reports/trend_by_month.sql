-- Trend by service month (month of claim_start_date): claims per determination, paid dollars
-- and dollars at risk (only not_supported claims carry dollars at risk).
with

determinations as (
    select * from determinations
),

claims as (
    select * from ino_claims
),

final as (
    select
        strftime(date_trunc('month', claims.claim_start_date), '%Y-%m') as service_month,
        count(*) as claims,
        count(*) filter (where determination = 'not_supported') as not_supported,
        count(*) filter (where determination = 'insufficient_documentation')
            as insufficient_documentation,
        count(*) filter (where determination = 'review_required') as review_required,
        count(*) filter (where determination = 'supported') as supported,
        coalesce(sum(determinations.paid_amount), 0)::decimal(18, 2) as paid_amount,
        coalesce(sum(determinations.amount_at_risk), 0)::decimal(18, 2) as amount_at_risk
    from determinations
    inner join claims using (claim_id)
    group by all
)

select * from final
order by service_month
