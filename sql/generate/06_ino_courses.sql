-- The iNO courses (encounters) of every case, from the scenario's course templates. Each field
-- is drawn from its template kind so that every criterion the scenario does not target passes
-- with margin: OI 28-45 (or < 22 when it must fail), trial response >= 25 mmHg / >= 25 %,
-- FiO2 >= 0.85 or <= 0.75, gestational age on the intended side of 34 weeks.
create or replace temp table ino_course as
with
template as (
    select
        c.case_no,
        c.scenario,
        c.member_no,
        c.age_band,
        c.t0,
        c.ga_term_weeks,
        c.ga_late_weeks,
        c.ga_preterm_weeks,
        c.ga_days,
        c.near_term_is_late,
        t.* exclude (scenario),
        c.case_no * 8 + t.course_seq as course_key
    from ino_case as c
    inner join scenario_course as t using (scenario)
),

drawn as (
    select
        *,
        case
            when course_seq = 1 then 0
            else
                gap_lo_h * 60
                + rand_int($seed, course_key, 'gap', (gap_hi_h - gap_lo_h) * 60 + 1)
        end as gap_min,
        dur_lo_h * 60
        + rand_int($seed, course_key, 'duration', (dur_hi_h - dur_lo_h) * 60 + 1)
            as dur_min
    from template
),

timed as (
    select
        *,
        t0 + to_minutes((sum(gap_min + dur_min) over course_order - dur_min)::bigint)
            as ino_start,
        t0 + to_minutes((sum(gap_min + dur_min) over course_order)::bigint) as ino_stop,
        course_seq = 1 or gap_min > 1440 as is_initiating,
        coalesce(
            lead(gap_min) over (partition by case_no order by course_seq) > 1440, true
        ) as ends_episode
    from drawn
    window course_order as (
        partition by case_no order by course_seq
        rows between unbounded preceding and current row
    )
),

oi_drawn as (
    select
        *,
        case
            when oi in ('pass', 'conflict', 'partial')
                then (90 + 5 * rand_int($seed, course_key, 'fio2', 3)) / 100
            when oi = 'low' then rand_between($seed, course_key, 'fio2', 60, 100) / 100
            when oi = 'any' then rand_between($seed, course_key, 'fio2', 50, 100) / 100
        end::double as fio2_v,
        case
            when oi in ('pass', 'conflict', 'partial')
                then rand_between($seed, course_key, 'pao2', 32, 60)
            when oi = 'low' then rand_between($seed, course_key, 'pao2', 45, 80)
            when oi = 'any' then rand_between($seed, course_key, 'pao2', 50, 110)
        end::double as pao2_v,
        case
            when oi in ('pass', 'partial') then rand_between($seed, course_key, 'oi', 280, 450)
            when oi = 'conflict' then rand_between($seed, course_key, 'oi', 280, 380)
            when oi = 'low' then rand_between($seed, course_key, 'oi', 100, 220)
        end::double / 10 as oi_target,
        case
            when oi = 'conflict' then 'both'
            when oi = 'partial' then 'partial'
            when rand_int($seed, course_key, 'oi_shape', 100) < 40 then 'both'
            when rand_int($seed, course_key, 'oi_shape', 100) < 75 then 'documented'
            else 'components'
        end as oi_shape
    from timed
),

oi_parts as (
    select
        *,
        -- 'any' (OI not judged): a plausible MAP; otherwise the MAP giving the target OI
        case
            when oi = 'any' then rand_between($seed, course_key, 'map', 80, 200) / 10
            else round(oi_target * pao2_v / (fio2_v * 100), 1)
        end as map_v
    from oi_drawn
),

oi_values as (
    select
        *,
        case
            when oi_shape in ('both', 'documented') and oi = 'conflict'
                then round(
                    fio2_v * map_v * 100 / pao2_v
                    * (125 + rand_int($seed, course_key, 'oi_conflict', 21)) / 100, 1
                )
            when oi_shape in ('both', 'documented')
                then round(fio2_v * map_v * 100 / pao2_v, 1)
        end as oi_documented,
        case when oi_shape in ('both', 'components', 'partial') then fio2_v end as fio2_out,
        case when oi_shape in ('both', 'components', 'partial') then map_v end as map_out,
        case when oi_shape in ('both', 'components') then pao2_v end as pao2_out
    from oi_parts
),

oi_effective as (
    select
        *,
        coalesce(
            oi_documented,
            case when pao2_out is not null then fio2_out * map_out * 100 / pao2_out end
        ) as oi_used,
        case trial
            when 'response' then pick([5, 10, 20, 20], $seed, course_key, 'trial_dose')
            when 'no_response' then pick([10, 20], $seed, course_key, 'trial_dose')
            when 'high' then 50 + 5 * rand_int($seed, course_key, 'trial_dose', 7)
        end as trial_dose
    from oi_values
),

trial_values as (
    select
        *,
        case
            when trial in ('response', 'high', 'null') and oi_shape = 'partial'
                then pao2_v + rand_between($seed, course_key, 'pao2_post', 25, 60)
            when pao2_out is null then null
            when trial in ('response', 'high', 'null')
                then pao2_out + rand_between($seed, course_key, 'pao2_post', 25, 60)
            when trial = 'no_response'
                then pao2_out + rand_between($seed, course_key, 'pao2_post', 0, 12)
        end as pao2_post,
        case
            when oi_used is null then null
            when
                trial in ('response', 'high', 'null')
                and (pao2_out is null or rand_int($seed, course_key, 'oi_post', 100) < 60)
                then round(
                    oi_used * (45 + rand_int($seed, course_key, 'oi_post_ratio', 31)) / 100, 1
                )
            when trial = 'no_response'
                then round(
                    oi_used * (88 + rand_int($seed, course_key, 'oi_post_ratio', 18)) / 100, 1
                )
        end as oi_post,
        case max_dose
            when 'normal'
                then
                    greatest(
                        coalesce(trial_dose, 0),
                        pick([20, 20, 20, 10, 40], $seed, course_key, 'max_dose')
                    )
            when 'low' then pick([5, 10, 20], $seed, course_key, 'max_dose')
            when 'over40'
                then
                    greatest(
                        coalesce(trial_dose, 0), 45 + 5 * rand_int($seed, course_key, 'max_dose', 8)
                    )
            when 'over80' then 85 + 5 * rand_int($seed, course_key, 'max_dose', 4)
        end as max_dose_ppm
    from oi_effective
)

select
    row_number() over (order by case_no, course_seq) as encounter_no,
    case_no,
    scenario,
    course_seq,
    member_no,
    is_initiating,
    ends_episode,
    ino_start,
    ino_stop,
    lag(ino_stop) over (partition by case_no order by course_seq) as prev_stop,
    case route
        when 'ok'
            then
                case
                    when
                        rand_int($seed, course_key, 'route', 100)
                        < (case when age_band in ('child', 'adult') then 30 else 5 end)
                        then 'tracheostomy'
                    else 'endotracheal'
                end
        when 'bad' then pick(['nasal_cannula', 'face_mask', 'other'], $seed, course_key, 'route')
    end as delivery_route,
    round(
        case ga
            when 'term' then ga_term_weeks
            when 'late' then ga_late_weeks
            when 'near' then case when near_term_is_late then ga_late_weeks else ga_term_weeks end
            when 'preterm' then ga_preterm_weeks
        end + ga_days / 7, 2
    )::decimal(4, 2) as gestational_age_weeks,
    case pah
        when 'ok'
            then
                case when rand_int($seed, course_key, 'pah', 10) < 7 then 'echo' else 'clinical' end
        when 'none' then 'none'
    end as pah_evidence,
    conv_failed::boolean as conventional_therapy_failed,
    oi_documented::decimal(5, 1) as oxygenation_index,
    map_out::decimal(4, 1) as mean_airway_pressure_cmh2o,
    fio2_out::decimal(3, 2) as fio2,
    pao2_out::decimal(5, 1) as pao2_mmhg,
    trial_dose::decimal(5, 1) as trial_dose_ppm,
    pao2_post::decimal(5, 1) as pao2_post_trial_mmhg,
    oi_post::decimal(5, 1) as oi_post_trial,
    max_dose_ppm::decimal(5, 1) as max_dose_ppm,
    cdh_status,
    surgery_context,
    alt_vasodilator::boolean as alternative_vasodilator_started,
    opt_vent_failed::boolean as optimized_ventilation_failed,
    vasoreactivity::boolean as positive_vasoreactivity_test,
    case fio2_current
        when 'high' then rand_between($seed, course_key, 'fio2_current', 85, 100) / 100
        when 'low' then rand_between($seed, course_key, 'fio2_current', 45, 75) / 100
    end::decimal(3, 2) as fio2_current,
    case
        when weaning = 'set'
            then ino_start + to_minutes(rand_between($seed, course_key, 'weaning', 240, 720))
    end as weaning_started_at,
    case
        when review = 'set'
            then ino_start::date + rand_between($seed, course_key, 'review', 1, 2)::integer
    end as medical_director_review_date,
    -- explicit claim link: the template's claim, else 40 % name the first claim covering it
    case
        when named_claim = 'none' then null
        when named_claim is not null then named_claim::integer
        when rand_int($seed, course_key, 'named_claim', 10) < 4 then (
            select min(sc.claim_seq)
            from scenario_claim as sc
            where
                sc.scenario = drawn_course.scenario
                and sc.placement = 'courses'
                and drawn_course.course_seq between sc.first_course and sc.last_course
        )
    end as named_claim_seq
from trial_values as drawn_course;
