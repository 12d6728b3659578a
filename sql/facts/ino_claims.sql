-- Fact: one row per iNO claim (contract §1) with its service span, member and paid
-- amount (sum over its lines, null as 0, contract §4), limited to the audit period when one is
-- set (paid date = latest paid_date of its lines; service date = claim start).
create or replace table ino_claims as
with

lines as (
    select * from claim_lines
),

period as (
    select * from audit_period
),

claims as (
    select
        claim_id,
        min(member_id) as member_id,
        min(claim_type) as claim_type,
        min(claim_start_date) as claim_start_date,
        max(claim_end_date) as claim_end_date,
        max(paid_date) as paid_date,
        sum(coalesce(paid_amount, 0))::decimal(18, 2) as paid_amount,
        count(*) as line_count
    from lines
    group by claim_id
),

final as (
    select claims.*
    from claims
    cross join period
    where
        (period.paid_from is null or claims.paid_date >= period.paid_from)
        and (period.paid_to is null or claims.paid_date <= period.paid_to)
        and (period.service_from is null or claims.claim_start_date >= period.service_from)
        and (period.service_to is null or claims.claim_start_date <= period.service_to)
)

select * from final;
