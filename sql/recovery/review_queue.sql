-- The review queue for `ino-audit review status`: claims still open (by dollars at risk, inside
-- the look-back window first), then decisions that need attention: conflicting decisions and
-- decisions whose reviewed finding no longer fires after a re-audit.
with

status as (
    select * from review_claim_status
),

final as (
    select
        claim_id,
        provider_id,
        determination,
        coalesce(rule_ids, reviewed_rule_ids) as rule_ids,
        case
            when review_status = 'finding_gone' then 'finding no longer fires'
            when conflict then 'conflicting decisions'
            else review_status
        end as attention,
        disposition,
        reviewer,
        lookback_status,
        amount_at_risk,
        confirmed_overpayment,
        case
            when review_status = 'open' then 1
            when review_status = 'finding_gone' or conflict then 0
            else 2
        end as queue_order
    from status
    where review_status <> 'reviewed' or conflict
)

select * exclude (queue_order) from final
order by queue_order, lookback_status = 'inside' desc, amount_at_risk desc, claim_id
