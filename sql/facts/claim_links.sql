-- Fact: link (contract §2). A claim links to each encounter of its member whose course
-- dates overlap the claim's service span (inclusive), or whose claim_id names the claim.
create or replace table claim_links as
with

claims as (
    select claim_id, member_id, claim_start_date, claim_end_date from ino_claims
),

courses as (
    select encounter_id, member_id, claim_id as named_claim_id, ino_start, ino_stop
    from encounters
),

final as (
    select
        claims.claim_id,
        courses.encounter_id,
        coalesce(courses.named_claim_id = claims.claim_id, false) as named_link,
        courses.ino_start::date <= claims.claim_end_date
        and courses.ino_stop::date >= claims.claim_start_date as overlap_link
    from claims
    inner join courses on courses.member_id = claims.member_id
)

select * from final
where named_link or overlap_link;
