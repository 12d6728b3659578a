-- View the rules read (recreated after a partitioned merge).
-- Every iNO claim with its judged courses, or one row with no course when it links to none:
-- the scope of the rules on the claim's codes alone (contract §2).
create or replace view claims_in_scope as
with

claims as (
    select claim_id from ino_claims
),

courses_of_claims as (
    select
        claims.claim_id,
        f.encounter_id,
        f.episode_id,
        f.ino_start,
        f.eff_cdh_status,
        f.eff_surgery_context
    from claims
    left join judged_pairs using (claim_id)  -- noqa: ST11
    left join course_facts as f using (encounter_id)
)

select courses_of_claims.*, flags.* exclude (claim_id)
from courses_of_claims
inner join claim_code_flags as flags using (claim_id);
