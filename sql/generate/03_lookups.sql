-- Lookup lists for the ordinary (non-iNO) claims: claim-size patterns, code pools as one-row
-- lists (picked by index, no join per line) and provider NPI pools with valid check digits.

-- each pattern splits a block of 12 claim lines into claims (about 3 lines per claim)
create or replace temp table claim_pattern as
select *
from (
    values
    (0, [1, 1, 2, 3, 5]),
    (1, [2, 2, 4, 4]),
    (2, [1, 2, 3, 6]),
    (3, [3, 3, 3, 3]),
    (4, [1, 1, 1, 2, 2, 5]),
    (5, [4, 8]),
    (6, [2, 3, 7]),
    (7, [1, 1, 2, 2, 3, 3]),
    (8, [6, 6]),
    (9, [1, 2, 2, 3, 4]),
    (10, [1, 1, 10]),
    (11, [2, 2, 2, 2, 4]),
    (12, [1, 3, 8]),
    (13, [1, 1, 1, 1, 4, 4]),
    (14, [5, 7]),
    (15, [2, 4, 6])
) as t (pattern_no, sizes);

create or replace temp table gen_pool as
with
pool_item as (
    select
        pool,
        code,
        {
            'code': code,
            'rev': revenue_center_code,
            'cents': (unit_price * 100)::bigint
        } as item,
        hash(pool, code, revenue_center_code) as shuffle
    from code_pool
)

select
    -- one list of all ordinary diagnoses (adult, pediatric, senior), each band a slice of it
    list(code order by pool, shuffle) filter (where pool like 'dx_%') as dx,
    count(*) filter (where pool = 'dx_adult') as dx_adult_from,
    count(*) filter (where pool = 'dx_pediatric') as dx_pediatric_n,
    count(*) filter (where pool = 'dx_adult') as dx_adult_n,
    count(*) filter (where pool = 'dx_senior') as dx_senior_n,
    list(code order by shuffle) filter (where pool = 'pcs_inpatient') as pcs_inpatient,
    list(item order by shuffle) filter (where pool = 'em_office') as em_office,
    list(item order by shuffle) filter (where pool = 'em_inpatient') as em_inpatient,
    list(item order by shuffle) filter (where pool = 'em_er') as em_er,
    list(item order by shuffle) filter (where pool = 'prof_ancillary') as prof_ancillary,
    list(item order by shuffle) filter (where pool = 'inst_room') as inst_room,
    list(item order by shuffle) filter (where pool = 'inst_visit') as inst_visit,
    list(item order by shuffle) filter (where pool = 'inst_ancillary') as inst_ancillary
from pool_item;

-- hospitals (the first 40 run the NICUs/PICUs of the iNO cases), groups, physicians
create or replace temp table gen_npi as
with
provider as (
    select 'hospital' as kind, 0 as kind_no, range as provider_no from range(400)
    union all
    select 'group', 1, range from range(1500)
    union all
    select 'physician', 2, range from range(8000)
),

numbered as (
    select
        kind,
        provider_no,
        npi(
            100000000 + kind_no * 20000000
            + (provider_no * 7919 + rand_int($seed, kind_no, 'npi_offset', 20000000))
            % 20000000
        ) as npi
    from provider
)

select
    list(npi order by provider_no) filter (where kind = 'hospital') as hospital,
    list(npi order by provider_no) filter (where kind = 'group') as billing_group,
    list(npi order by provider_no) filter (where kind = 'physician') as physician
from numbered;
