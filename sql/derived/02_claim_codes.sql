-- Derived fact: the codes of each iNO claim, the union over its lines (contract §1), unpivoted
-- once, with whether each code exists in its code set and which value sets it belongs to.
create or replace table claim_codes as
with

lines as (
    select
        claim_id,
        list_value(*columns('^diagnosis_code_[0-9]+$')) as dx,
        list_value(*columns('^procedure_code_[0-9]+$')) as px
    from claim_lines
),

unpivoted as (
    select claim_id, 'ICD-10-CM' as code_system, unnest(dx) as code from lines
    union all
    select claim_id, 'ICD-10-PCS' as code_system, unnest(px) as code from lines
),

distinct_codes as (
    select distinct claim_id, code_system, code
    from unpivoted
    where code is not null
),

known_named as (
    select distinct code from value_set_codes where code_system like 'ICD-10%'
),

final as (
    select
        distinct_codes.claim_id,
        distinct_codes.code_system,
        distinct_codes.code,
        case
            when distinct_codes.code_system = 'ICD-10-PCS'
                then regexp_full_match(distinct_codes.code, '[0-9A-HJ-NP-Z]{7}')
            else icd10cm_codes.code is not null or known_named.code is not null
        end as is_known
    from distinct_codes
    left join icd10cm_codes
        on distinct_codes.code_system = 'ICD-10-CM' and icd10cm_codes.code = distinct_codes.code
    left join known_named
        on distinct_codes.code_system = 'ICD-10-CM' and known_named.code = distinct_codes.code
)

select * from final;

-- Per-claim predicates over the value sets (named, never literal codes) and the gestational
-- age implied by P07.2x/P07.3x codes (contract §2).
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
        filter (where value_set = 'sickle_crisis_dx') as sickle_codes
    from in_sets
    group by claim_id
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
        len(coalesce(sets.ards_codes, [])) > 0 as has_ards_dx
    from ino_claims
    left join sets using (claim_id)
    left join ga using (claim_id)
    left join all_dx using (claim_id)
)

select * from final;
