-- Which criteria judge a claim (contract §2), one row per (claim, course) pair:
-- * every course linked to the claim is judged by the exclusions (II) and data-consistency rules;
-- * `criteria` says what else judges the pair: 'initiation' (I.A) for an initiating course,
--   'continuation' (I.B) for a continuing course of a claim linked to no initiating course,
--   'exclusions' for a continuing course of a claim that also links its initiation;
-- * a claim judged by I.B whose episode's initiating course no claim links to also gets that
--   course as an unbilled pair (`billed` false): it is judged by I.A and II on its own record with
--   the claim's codes, only so that INO-IB-PRIOR can read the verdict. Its hits are never
--   findings of the claim (outputs/findings.sql).
create or replace table judged_pairs as
with

linked as (
    select claim_links.claim_id, courses.encounter_id, courses.episode_id, courses.is_initiating
    from claim_links
    inner join courses using (encounter_id)
),

claim_roles as (
    select claim_id, bool_or(is_initiating) as has_initiating
    from linked
    group by claim_id
),

billed_initiations as (
    select distinct encounter_id from linked where is_initiating
),

unbilled_initiations as (
    select distinct linked.claim_id, episodes.initiating_encounter_id as encounter_id
    from linked
    inner join claim_roles using (claim_id)
    inner join episodes using (episode_id)
    where
        not claim_roles.has_initiating
        and episodes.initiating_encounter_id not in (select encounter_id from billed_initiations)
),

billed_pairs as (
    select
        linked.claim_id,
        linked.encounter_id,
        linked.is_initiating,
        case
            when linked.is_initiating then 'initiation'
            when not claim_roles.has_initiating then 'continuation'
            else 'exclusions'
        end as criteria,
        true as billed
    from linked
    inner join claim_roles using (claim_id)
),

unbilled_pairs as (
    select claim_id, encounter_id, true as is_initiating, 'initiation' as criteria, false as billed
    from unbilled_initiations
),

final as (
    select * from billed_pairs
    union all
    select * from unbilled_pairs
)

select * from final;
