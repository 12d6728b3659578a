-- Records-request tracking: every request issued, with the claim's service dates and where it
-- stands on the as-of date: closed as records_not_received, reviewed (records came and a
-- reviewer decided, which reopens a records_not_received closing), records_received (the
-- records finding no longer fires after a re-audit), overdue, or open.
with

requested as (
    select * from review_records_requests
),

status as (
    select * from review_claim_status
),

claims as (
    select * from ino_claims
),

params as (
    select * from recovery_params
),

final as (
    select
        requested.request_id,
        requested.provider_id,
        requested.claim_id,
        claims.claim_start_date,
        claims.claim_end_date,
        requested.rule_ids,
        requested.records_to_request,
        requested.requested_on,
        requested.due_on,
        case
            when status.disposition = 'records_not_received' then 'closed_records_not_received'
            when status.review_status = 'reviewed' then 'reviewed'
            when
                status.claim_id is null
                or not contains(coalesce(status.rule_ids, ''), 'INO-DOC-') then 'records_received'
            when params.as_of > requested.due_on then 'overdue'
            else 'open'
        end as status,
        claims.member_id
    from requested
    cross join params
    left join status using (claim_id)
    left join claims using (claim_id)
)

select * from final
order by provider_id, due_on, claim_id
