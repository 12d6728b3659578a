-- Fact: the codes of each iNO claim, the union over its lines (contract §1), unpivoted
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
