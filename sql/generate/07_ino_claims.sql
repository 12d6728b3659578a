-- The iNO claim headers of every case, from the scenario's claim templates: service span from
-- the courses the template covers (or after / far after / without any course), resolved
-- diagnosis codes, the iNO procedure code, providers, and the expected label by construction.
create or replace temp table ino_claim as
with
    template as (
        select
            c.*,
            t.* exclude (scenario),
            c.case_no * 8 + t.claim_seq as claim_key
        from ino_case as c
        inner join scenario_claim as t using (scenario)
    ),

    case_courses as (
        select
            case_no,
            max(ino_stop) as last_stop,
            max(gestational_age_weeks) filter (where course_seq = 1) as first_ga
        from ino_course
        group by case_no
    ),

    spanned as (
        select
            t.*,
            cc.first_ga,
            case t.placement
                when 'courses' then
                    case
                        -- admitted up to 2 days before iNO starts, never before birth
                        when fc.is_initiating
                            then fc.ino_start::date
                                - least(rand_int($seed, t.claim_key, 'pre', 3), t.age_days)::integer
                        else greatest(fc.ino_start::date, fc.prev_stop::date + 1)
                    end
                when 'after' then cc.last_stop::date + 2
                when 'later'
                    then cc.last_stop::date
                        + rand_between($seed, t.claim_key, 'later', 40, 60)::integer
                else t.t0::date - least(rand_int($seed, t.claim_key, 'pre', 2), t.age_days)::integer
            end as claim_start_date,
            case t.placement
                when 'courses' then
                    case
                        when lc.ends_episode
                            then lc.ino_stop::date
                                + rand_int($seed, t.claim_key, 'post', 4)::integer
                        else lc.ino_stop::date
                    end
                when 'standalone'
                    then t.t0::date + rand_between($seed, t.claim_key, 'post', 1, 5)::integer
            end as courses_end_date
        from template as t
        left join ino_course as fc
            on fc.case_no = t.case_no and fc.course_seq = t.first_course
        left join ino_course as lc
            on lc.case_no = t.case_no and lc.course_seq = t.last_course
        left join case_courses as cc
            on cc.case_no = t.case_no
    ),

    dated as (
        select
            * exclude (courses_end_date),
            coalesce(
                courses_end_date,
                claim_start_date + rand_int($seed, claim_key, 'post', 2)::integer
            ) as claim_end_date,
            -- the P07.3x code matching the baby's completed weeks (28-36), for '@ga' slots
            case
                when first_ga >= 28 and first_ga < 37
                    then 'P07.3' || (floor(first_ga)::integer - 27)::varchar
            end as ga_code
        from spanned
    ),

    coded as (
        select
            *,
            -- dx template: slots split by '|', alternatives by '/', '?' = optional slot
            list_filter(
                list_transform(string_split(dx, '|'), lambda slot, i:
                    case
                        when
                            not starts_with(slot, '?')
                            or rand_int($seed, claim_key * 32 + i, 'dx_optional', 2) = 0
                            then replace(
                                pick(
                                    string_split(ltrim(slot, '?'), '/'),
                                    $seed, claim_key * 32 + i, 'dx_alternative'
                                ),
                                '@ga', coalesce(ga_code, '')
                            )
                    end),
                lambda code: code is not null and code <> ''
            ) as dx_codes,
            case
                when rand_int($seed, claim_key, 'ino_pcs', 10) < 7 then '3E0F7SD'
                else '3E0F8SD'
            end as ino_pcs,
            case
                when claim_end_date - claim_start_date <= 1 then '5A1935Z'
                when claim_end_date - claim_start_date <= 4 then '5A1945Z'
                else '5A1955Z'
            end as ventilation_pcs,
            case when rand_int($seed, claim_key, 'intubation', 10) < 3 then '0BH17EZ' end
                as intubation_pcs,
            row_number() over (order by case_no, claim_seq) - 1 as ino_claim_ordinal
        from dated
    )

select
    case_no,
    claim_seq,
    ino_claim_ordinal,
    claim_type,
    member_no,
    claim_start_date,
    claim_end_date,
    case when claim_type = 'institutional' then '111' end as bill_type_code,
    case when claim_type = 'professional' then '21' end as place_of_service_code,
    case age_band
        when 'newborn' then 'nicu'
        when 'infant' then 'picu_infant'
        when 'child' then 'picu_child'
        else 'adult'
    end as setting,
    case
        when claim_type = 'institutional' then 3 + rand_int($seed, claim_key, 'n_lines', 4)
        else 2 + rand_int($seed, claim_key, 'n_lines', 3)
    end as n_lines,
    list_transform(dx_codes, lambda code, i:
        fmt_code(code, rand_int($seed, claim_key * 32 + i, 'dx_format', 20))) as dx,
    case
        when claim_type = 'institutional' then
            list_transform(
                list_filter(
                    case
                        when rand_int($seed, claim_key, 'pcs_order', 2) = 0
                            then [ino_pcs, ventilation_pcs, intubation_pcs]
                        else [ventilation_pcs, ino_pcs, intubation_pcs]
                    end,
                    lambda code: code is not null
                ),
                lambda code:
                    case
                        when rand_int($seed, claim_key, 'pcs_case', 10) = 0 then lower(code)
                        else code
                    end
            )
    end as px,
    npi.hospital[1 + facility_no] as facility_npi,
    case
        when claim_type = 'institutional' then npi.hospital[1 + facility_no]
        else npi.billing_group[1 + group_no]
    end as billing_npi,
    case when claim_type = 'professional' then npi.physician[1 + physician_no] end
        as rendering_npi,
    claim_end_date + rand_between($seed, claim_key, 'paid', 10, 35)::integer as paid_date,
    determination,
    rule_ids
from coded, gen_npi as npi;
