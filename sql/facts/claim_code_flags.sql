-- Per-claim predicates over the value sets (named, never literal codes) and the gestational
-- age implied by P07.2x/P07.3x codes (contract §2). A claim with a pulmonary hypertension
-- diagnosis and a catheterization procedure (ICD-10-PCS or CPT) is a vasoreactivity test, a
-- pathway some policies name (docs/policies.md).
create or replace table claim_code_flags as
with

dx as (
    select claim_id, code
    from claim_codes
    where code_system = 'ICD-10-CM' and is_known
),

in_sets as (
    select dx.claim_id, dx.code, value_set_codes.value_set, value_set_codes.code_dotted
    from dx
    inner join value_set_codes
        on value_set_codes.code = dx.code and value_set_codes.code_system like 'ICD-10%'
),

sets as (
    select
        claim_id,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'supporting_dx') as supporting_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'covid_dx') as covid_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'ards_dx') as ards_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'bronchiolitis_dx') as bronchiolitis_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'bpd_dx') as bpd_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'cdh_dx') as cdh_codes,
        list(distinct code_dotted order by code_dotted)
        filter (where value_set = 'sickle_crisis_dx') as sickle_codes,
        bool_or(value_set = 'pulmonary_hypertension_dx') as has_ph_dx
    from in_sets
    group by claim_id
),

procedures as (
    select claim_id, code from claim_codes where code_system = 'ICD-10-PCS'
    union
    select claim_id, hcpcs_code as code from claim_lines where hcpcs_code is not null
),

vasoreactivity as (
    select distinct procedures.claim_id
    from procedures
    inner join value_set_codes
        on
            value_set_codes.code = procedures.code
            and value_set_codes.value_set = 'vasoreactivity_test_px'
),

ga as (
    select
        dx.claim_id,
        min(gestational_age_codes.implied_weeks) as ga_code_weeks_min,
        max(gestational_age_codes.implied_weeks) as ga_code_weeks_max,
        list(distinct gestational_age_codes.code_dotted order by gestational_age_codes.code_dotted)
            as ga_codes
    from dx
    inner join gestational_age_codes on gestational_age_codes.code = dx.code
    group by dx.claim_id
),

all_dx as (
    select claim_id, list(distinct code order by code) as dx_codes
    from dx
    group by claim_id
),

final as (
    select
        ino_claims.claim_id,
        coalesce(all_dx.dx_codes, []) as dx_codes,
        coalesce(sets.supporting_codes, []) as supporting_codes,
        coalesce(sets.covid_codes, []) as covid_codes,
        coalesce(sets.ards_codes, []) as ards_codes,
        coalesce(sets.bronchiolitis_codes, []) as bronchiolitis_codes,
        coalesce(sets.bpd_codes, []) as bpd_codes,
        coalesce(sets.cdh_codes, []) as cdh_codes,
        coalesce(sets.sickle_codes, []) as sickle_codes,
        coalesce(ga.ga_codes, []) as ga_codes,
        ga.ga_code_weeks_min,
        ga.ga_code_weeks_max,
        len(coalesce(sets.supporting_codes, [])) > 0 as has_supporting_dx,
        len(coalesce(sets.covid_codes, [])) > 0 as has_covid_dx,
        len(coalesce(sets.ards_codes, [])) > 0 as has_ards_dx,
        coalesce(sets.has_ph_dx, false) and vasoreactivity.claim_id is not null
            as is_vasoreactivity_test
    from ino_claims
    left join sets using (claim_id)
    left join vasoreactivity using (claim_id)
    left join ga using (claim_id)
    left join all_dx using (claim_id)
)

select * from final;
