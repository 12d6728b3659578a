-- Which criteria judge a claim (contract §2): a claim linked to an initiating course is judged
-- by I.A on those courses; a claim linked only to continuing courses by I.B on those. Each row
-- is one (claim, judged course) with everything the rules read: course facts, episode, the
-- claim's code flags, and the gestational age for this claim (course, else P07.x code).
create or replace table judged_pairs as
with

linked as (
    select claim_links.claim_id, courses.encounter_id, courses.is_initiating
    from claim_links
    inner join courses using (encounter_id)
),

claim_roles as (
    select claim_id, bool_or(is_initiating) as has_initiating
    from linked
    group by claim_id
)

select linked.claim_id, linked.encounter_id, linked.is_initiating
from linked
inner join claim_roles using (claim_id)
where linked.is_initiating = claim_roles.has_initiating;
