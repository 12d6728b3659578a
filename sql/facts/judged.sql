-- View the rules read (recreated after a partitioned merge). `judged`: one row per judged (claim, course) pair with everything the rules read: course facts,
-- episode, the claim's code flags, the pathway of an initiating course (contract §2; an unbilled
-- initiation takes the codes of the claim being judged) and the gestational age for this claim
-- (course, else initiating course, else the lowest week implied by a P07.x code on the claim).
create or replace view judged as
with

pairs as (
    select * from judged_pairs
),

joined as (
    select
        pairs.claim_id,
        pairs.criteria,
        pairs.billed,
        f.* exclude (course_has_covid_dx, course_covid_codes),
        case when pairs.billed then f.course_has_covid_dx else flags.has_covid_dx end
            as course_has_covid_dx,
        case when pairs.billed then f.course_covid_codes else flags.covid_codes end
            as course_covid_codes,
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
    inner join claim_code_flags as flags on flags.claim_id = pairs.claim_id
)

select
    joined.*,
    case
        when not is_initiating then null
        when not age_known then 'undetermined'
        when coalesce(surgery_context, 'none') <> 'none' and not is_adult then 'perioperative'
        when course_has_covid_dx then 'covid'
        when is_newborn then 'neonatal'
        else 'none'
    end as pathway,
    coalesce(eff_gestational_age_weeks, ga_code_weeks_min) as ga_weeks,
    case
        when eff_gestational_age_weeks is not null then 'encounter'
        when ga_code_weeks_min is not null then 'P07 code'
    end as ga_source
from joined;
