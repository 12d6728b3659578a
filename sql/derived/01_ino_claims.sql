-- Derived fact: one row per iNO claim (contract §1) with its service span, member and paid
-- amount (sum over its lines, null as 0, contract §4); and each claim's providers (§3).
create or replace table ino_claims as
with

lines as (
    select * from claim_lines
),

final as (
    select
        claim_id,
        min(member_id) as member_id,
        min(claim_type) as claim_type,
        min(claim_start_date) as claim_start_date,
        max(claim_end_date) as claim_end_date,
        sum(coalesce(paid_amount, 0))::decimal(18, 2) as paid_amount,
        count(*) as line_count
    from lines
    group by claim_id
)

select * from final;

create or replace table claim_providers as
with

lines as (
    select claim_id, coalesce(facility_npi, billing_npi) as provider_id
    from claim_lines
)

select distinct claim_id, provider_id
from lines
where provider_id is not null;
