-- Views the rules read, over the derived tables (recreated after a partitioned merge).
create or replace view judged as
with

pairs as (
    select * from judged_pairs
),

joined as (
    select
        pairs.claim_id,
        f.* exclude (pathway),
        case when f.is_initiating then init.pathway end as pathway,
        init.pathway as episode_pathway,
        e.duration_hours,
        e.has_review,
        e.age_known,
        e.member_found,
        e.birth_date is not null as birth_date_known,
        e.age_days,
        e.age_years,
        e.is_newborn,
        e.is_infant,
        e.is_adult,
        flags.* exclude (claim_id)
    from pairs
    inner join course_facts as f using (encounter_id)
    inner join episodes as e on e.episode_id = f.episode_id
    inner join course_facts as init
        on init.episode_id = f.episode_id and init.is_initiating
    inner join claim_code_flags as flags on flags.claim_id = pairs.claim_id
)

select
    joined.*,
    coalesce(eff_gestational_age_weeks, ga_code_weeks_min) as ga_weeks,
    case when eff_gestational_age_weeks is not null then 'encounter'
        when ga_code_weeks_min is not null then 'P07 code' end as ga_source,
    eff_gestational_age_weeks is not null and (
        (eff_gestational_age_weeks >= params.min_gestational_weeks
            and ga_code_weeks_min < params.min_gestational_weeks)
        or (eff_gestational_age_weeks < params.min_gestational_weeks
            and ga_code_weeks_max >= params.min_gestational_weeks)
    ) as ga_conflict
from joined
cross join params;

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
    left join judged_pairs using (claim_id)
    left join course_facts as f using (encounter_id)
)

select courses_of_claims.*, flags.* exclude (claim_id)
from courses_of_claims
inner join claim_code_flags as flags using (claim_id);

-- Every (claim, episode) pair through any linked course: the scope of the duration rules.
create or replace view claim_episodes as
select distinct claim_links.claim_id, courses.episode_id, episodes.* exclude (episode_id)
from claim_links
inner join courses using (encounter_id)
inner join episodes on episodes.episode_id = courses.episode_id;
