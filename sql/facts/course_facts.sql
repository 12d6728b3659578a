-- Facts per course (contract §2): effective fields (a continuing course falls back to
-- its initiating course for each null that the exclusions and data-consistency rules read), OI
-- documented vs computed and their relative difference, the measures of the trial (I.A.2.a.v:
-- complete before/after pairs, PaO2 rise, OI fall) and the codes of the claims linked to the
-- course (COVID-19 codes; whether one of them is a vasoreactivity test). Thresholds live in
-- the rules that compare them. Computed measures are exact decimals (macro exact_decimal).
-- The pathway is decided per judged pair (judged.sql), since an unbilled initiation takes the
-- claim's codes.
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
            as eff_positive_vasoreactivity_test,
        coalesce(c.oxygenation_index, i.oxygenation_index) as eff_oxygenation_index,
        coalesce(c.fio2, i.fio2) as eff_fio2,
        coalesce(c.mean_airway_pressure_cmh2o, i.mean_airway_pressure_cmh2o)
            as eff_mean_airway_pressure_cmh2o,
        coalesce(c.pao2_mmhg, i.pao2_mmhg) as eff_pao2_mmhg
    from courses_in as c
    inner join initiating as i on i.episode_id = c.episode_id
),

course_codes as (
    select
        claim_links.encounter_id,
        bool_or(claim_code_flags.has_covid_dx) as course_has_covid_dx,
        flatten(list(claim_code_flags.covid_codes)) as course_covid_codes,
        bool_or(claim_code_flags.is_vasoreactivity_test) as course_is_vasoreactivity_test
    from claim_links
    inner join claim_code_flags using (claim_id)
    group by claim_links.encounter_id
),

oi as (
    select
        effective.*,
        case
            when
                eff_fio2 is not null and eff_mean_airway_pressure_cmh2o is not null
                and eff_pao2_mmhg > 0
                then exact_decimal(
                    eff_fio2 * eff_mean_airway_pressure_cmh2o * 100 / eff_pao2_mmhg
                )
        end as oi_computed
    from effective
),

response as (
    select
        oi.*,
        coalesce(eff_oxygenation_index, oi_computed) as oi_used,
        case
            when eff_oxygenation_index is not null then 'documented'
            when oi_computed is not null then 'computed'
        end as oi_source,
        pao2_mmhg is not null and pao2_post_trial_mmhg is not null as pao2_pair_complete,
        coalesce(eff_oxygenation_index, oi_computed) is not null
        and oi_post_trial is not null as oi_pair_complete,
        exact_decimal(pao2_post_trial_mmhg - pao2_mmhg) as pao2_rise_mmhg,
        case
            when coalesce(eff_oxygenation_index, oi_computed) > 0
                then exact_decimal(
                    (coalesce(eff_oxygenation_index, oi_computed) - oi_post_trial)
                    / coalesce(eff_oxygenation_index, oi_computed)
                )
        end as oi_fall_fraction
    from oi
),

final as (
    select
        response.*,
        coalesce(course_codes.course_has_covid_dx, false) as course_has_covid_dx,
        list_distinct(coalesce(course_codes.course_covid_codes, [])) as course_covid_codes,
        coalesce(course_codes.course_is_vasoreactivity_test, false)
            as course_is_vasoreactivity_test,
        case
            when eff_oxygenation_index is not null and oi_computed > 0
                then exact_decimal(abs(eff_oxygenation_index - oi_computed) / oi_computed)
        end as oi_difference_fraction
    from response
    left join course_codes using (encounter_id)
)

select * from final;
