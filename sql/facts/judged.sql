-- View the rules read (recreated after a partitioned merge). `judged`: one row per judged
-- (claim, course) pair with everything the rules read: course facts, episode, the claim's code
-- flags, the pathway of an initiating course and the gestational age for this claim (course,
-- else initiating course, else the lowest week implied by a P07.x code on the claim).
-- Pathway (contract §2): the first of perioperative (a non-adult with a surgery context), COVID
-- (U07.1/U07.2 among the course's codes), neonatal (a newborn), vasoreactivity testing (a
-- claim of the course with a pulmonary hypertension diagnosis and a catheterization) that the
-- installed policy names in [pathways] (policy_pathways), covered or not; else none. An unbilled
-- initiation takes the codes of the claim being judged. `ga_unsettled`: under a policy that
-- covers only births after the boundary week (gestational_age_operator '>'), a gestational age
-- known only from a code for the boundary week itself cannot say on which side the birth lies.
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
        f.* exclude (course_has_covid_dx, course_covid_codes, course_is_vasoreactivity_test),
        case when pairs.billed then f.course_has_covid_dx else flags.has_covid_dx end
            as course_has_covid_dx,
        case when pairs.billed then f.course_covid_codes else flags.covid_codes end
            as course_covid_codes,
        case
            when pairs.billed then f.course_is_vasoreactivity_test
            else flags.is_vasoreactivity_test
        end as course_is_vasoreactivity_test,
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
),

named as (
    select coalesce(list(policy_pathways.pathway), []) as pathways
    from policy_pathways
    semi join params using (policy_version)
)

select
    joined.*,
    case
        when not is_initiating then null
        when not age_known then 'undetermined'
        when
            coalesce(surgery_context, 'none') <> 'none' and not is_adult
            and list_contains(named.pathways, 'perioperative')
            then 'perioperative'
        when course_has_covid_dx and list_contains(named.pathways, 'covid') then 'covid'
        when is_newborn and list_contains(named.pathways, 'neonatal') then 'neonatal'
        when
            course_is_vasoreactivity_test
            and list_contains(named.pathways, 'vasoreactivity_testing')
            then 'vasoreactivity_testing'
        else 'none'
    end as pathway,
    coalesce(eff_gestational_age_weeks, ga_code_weeks_min) as ga_weeks,
    case
        when eff_gestational_age_weeks is not null then 'encounter'
        when ga_code_weeks_min is not null then 'P07 code'
    end as ga_source,
    coalesce(
        params.gestational_age_operator = '>' and eff_gestational_age_weeks is null
        and ga_code_weeks_min = params.min_gestational_weeks,
        false
    ) as ga_unsettled
from joined
cross join named
cross join params;
