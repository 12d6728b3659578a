-- One iNO case per member: the scenario it follows (first one case per scenario in catalog
-- order, then weighted draws), the member's age at episode start, demographics and providers.
create or replace temp table ino_case as
with
size as (
    select * from gen_size
),

catalog as (
    select
        scenario,
        age_band,
        member,
        facility_pool,
        row_number() over (order by scenario) - 1 as scenario_no,
        sum(weight) over (order by scenario) - weight as cum_lo,
        sum(weight) over (order by scenario) as cum_hi
    from scenario
),

case_no as (
    select
        unnest(range(n_cases)) as case_no,
        n_cases,
        n_members,
        n_scenarios,
        total_weight
    from size
),

picked as (
    select
        case_no.*,
        catalog.*
    from case_no
    inner join catalog
        on
            (case_no.case_no < case_no.n_scenarios and catalog.scenario_no = case_no.case_no)
            or (
                case_no.case_no >= case_no.n_scenarios
                and rand_int($seed, case_no.case_no, 'scenario', case_no.total_weight)
                between catalog.cum_lo and catalog.cum_hi - 1
            )
),

aged as (
    select
        *,
        -- episode start between 2024-01-05 and 2025-08-31, any minute of the day
        timestamp '2024-01-05 00:00:00' + to_minutes(
            rand_int($seed, case_no, 'start_day', 605) * 1440
            + rand_int($seed, case_no, 'start_minute', 1440)
        ) as t0,
        case age_band
            when 'newborn' then rand_between($seed, case_no, 'age', 0, 14)
            when 'infant' then rand_between($seed, case_no, 'age', 45, 300)
            when 'child' then rand_between($seed, case_no, 'age', 800, 5800)
            else rand_between($seed, case_no, 'age', 9200, 29000)
        end as age_days,
        rand_int($seed, case_no, 'lob', 100) as lob_draw
    from picked
)

select
    case_no,
    scenario,
    age_band,
    member,
    facility_pool,
    1 + (case_no * n_members) // n_cases as member_no,
    t0,
    age_days,
    t0::date - age_days::integer as birth_date,
    ['F', 'M'][1 + rand_int($seed, case_no, 'sex', 2)] as sex,
    case
        when age_band <> 'adult'
            then
                case
                    when lob_draw < 65 then 'medicaid' when lob_draw < 85 then 'commercial'
                    else 'marketplace'
                end
        when age_days >= 65 * 366
            then
                case when lob_draw < 85 then 'medicare' else 'commercial' end
        when lob_draw < 45 then 'commercial'
        when lob_draw < 75 then 'medicaid'
        when lob_draw < 95 then 'marketplace'
        else 'medicare'
    end as line_of_business,
    us_state($seed, case_no) as state,
    -- facilities 0-2 are the provider outliers, 3-39 the other iNO hospitals
    case
        when facility_pool = 'outlier' then rand_int($seed, case_no, 'facility', 3)
        else 3 + rand_int($seed, case_no, 'facility', 37)
    end as facility_no,
    rand_int($seed, case_no, 'group', 1500) as group_no,
    rand_int($seed, case_no, 'physician', 8000) as physician_no,
    -- one gestational age per baby, whatever the course asks (term, late preterm, preterm)
    37 + rand_int($seed, case_no, 'ga_term', 5) as ga_term_weeks,
    34 + rand_int($seed, case_no, 'ga_late', 3) as ga_late_weeks,
    29 + rand_int($seed, case_no, 'ga_preterm', 5) as ga_preterm_weeks,
    rand_int($seed, case_no, 'ga_days', 7) as ga_days,
    rand_int($seed, case_no, 'ga_near', 100) < 30 as near_term_is_late
from aged;
