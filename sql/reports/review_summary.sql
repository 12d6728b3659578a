-- Review headline: claims needing review, reviewed vs open, decisions whose finding no longer
-- fires, confirmed overpayments (recoverable inside the look-back window, and outside it) and
-- dollars still at risk on open claims. One row.
with

status as (
    select * from review_claim_status
),

params as (
    select * from recovery_params
),

final as (
    select
        any_value(params.as_of) as as_of,
        count(*) as claims,
        count(*) filter (where review_status = 'reviewed') as reviewed,
        count(*) filter (where review_status = 'open') as open,
        count(*) filter (where review_status = 'finding_gone') as finding_gone,
        count(*) filter (where conflict) as conflicts,
        count(*) filter (where lookback_status <> 'inside') as outside_lookback,
        coalesce(sum(recoverable_overpayment), 0)::decimal(18, 2) as confirmed_recoverable,
        coalesce(sum(confirmed_overpayment) filter (where lookback_status <> 'inside'), 0)
        ::decimal(18, 2) as confirmed_outside_lookback,
        coalesce(sum(open_at_risk), 0)::decimal(18, 2) as open_at_risk,
        coalesce(sum(amount_at_risk) filter (
            where review_status = 'open' and lookback_status <> 'inside'
        ), 0)::decimal(18, 2) as at_risk_outside_lookback
    from status
    cross join params
)

select * from final
