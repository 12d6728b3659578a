-- Derived facts per course (contract §2): effective fields (a continuing course falls back to
-- its initiating course for the exclusion fields), OI documented vs computed, response to the
-- trial (I.A.2.a.v), the course's codes, and the pathway of initiating courses.
create or replace table course_facts as
with

courses_in as (
    select * from courses
),

initiating as (
    select * from courses_in where is_initiating
),

effective as (
    select
        c.*,
        coalesce(c.gestational_age_weeks, i.gestational_age_weeks) as eff_gestational_age_weeks,
        coalesce(c.cdh_status, i.cdh_status) as eff_cdh_status,
        coalesce(c.surgery_context, i.surgery_context) as eff_surgery_context,
        coalesce(c.positive_vasoreactivity_test, i.positive_vasoreactivity_test)
            as eff_positive_vasoreactivity_test
    from courses_in as c
    inner join initiating as i on i.episode_id = c.episode_id
),

course_codes as (
    select
        claim_links.encounter_id,
        bool_or(claim_code_flags.has_covid_dx) as course_has_covid_dx,
        flatten(list(claim_code_flags.covid_codes)) as course_covid_codes
    from claim_links
    inner join claim_code_flags using (claim_id)
    group by claim_links.encounter_id
),

oi as (
    select
        effective.*,
        case
            when fio2 is not null and mean_airway_pressure_cmh2o is not null and pao2_mmhg > 0
                then round(fio2 * mean_airway_pressure_cmh2o * 100 / pao2_mmhg, 4)
        end as oi_computed
    from effective
),

response as (
    select
        oi.*,
        coalesce(oxygenation_index, oi_computed) as oi_used,
        case when oxygenation_index is not null then 'documented'
            when oi_computed is not null then 'computed' end as oi_source,
        pao2_mmhg is not null and pao2_post_trial_mmhg is not null as pao2_pair_complete,
        coalesce(oxygenation_index, oi_computed) is not null
            and oi_post_trial is not null as oi_pair_complete,
        pao2_post_trial_mmhg - pao2_mmhg as pao2_rise_mmhg,
        case when coalesce(oxygenation_index, oi_computed) > 0
            then round((coalesce(oxygenation_index, oi_computed) - oi_post_trial)
                / coalesce(oxygenation_index, oi_computed), 6) end as oi_fall_fraction
    from oi
),

final as (
    select
        response.*,
        coalesce(course_codes.course_has_covid_dx, false) as course_has_covid_dx,
        list_distinct(coalesce(course_codes.course_covid_codes, [])) as course_covid_codes,
        oxygenation_index is not null and oi_computed > 0
            and abs(oxygenation_index - oi_computed) / oi_computed > params.oi_conflict_fraction
            as oi_conflict,
        case
            when trial_dose_ppm > params.max_trial_dose_ppm then false
            when trial_dose_ppm is null then null
            when not (pao2_pair_complete or oi_pair_complete) then null
            else coalesce(pao2_pair_complete and pao2_rise_mmhg >= params.min_pao2_rise_mmhg, false)
                or coalesce(oi_pair_complete and oi_fall_fraction >= params.min_oi_fall_fraction, false)
        end as trial_response
    from response
    left join course_codes using (encounter_id)
    cross join params
)

select
    final.*,
    case
        when not final.is_initiating then null
        when not episodes.age_known then 'undetermined'
        when coalesce(final.surgery_context, 'none') <> 'none' and not episodes.is_adult
            then 'perioperative'
        when final.course_has_covid_dx then 'covid'
        when episodes.is_newborn then 'neonatal'
        else 'none'
    end as pathway
from final
inner join episodes using (episode_id);
