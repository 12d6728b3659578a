-- Fact: each iNO claim's providers (contract §3): its facility NPIs, else its billing NPIs;
-- INO-OUT-PROVIDER compares providers by these.
create or replace table claim_providers as
with

lines as (
    select claim_id, facility_npi, billing_npi
    from claim_lines
    semi join ino_claims using (claim_id)
),

facilities as (
    select distinct claim_id, facility_npi as provider_id
    from lines
    where facility_npi is not null
),

billers as (
    select distinct claim_id, billing_npi as provider_id
    from lines
    anti join facilities using (claim_id)
    where billing_npi is not null
)

select * from facilities
union all
select * from billers;
