-- Load the scenario catalog and code pools (sql/generate/seeds/*.csv) into temp tables.

create or replace temp table scenario as
select *
from read_csv($seed_dir || '/scenarios.csv', header = true, columns = {
    'scenario': 'varchar', 'weight': 'integer', 'age_band': 'varchar', 'member': 'varchar',
    'facility_pool': 'varchar', 'description': 'varchar'
});

create or replace temp table scenario_course as
select
    * replace (
        course_seq::integer as course_seq,
        gap_lo_h::integer as gap_lo_h,
        gap_hi_h::integer as gap_hi_h,
        dur_lo_h::integer as dur_lo_h,
        dur_hi_h::integer as dur_hi_h
    )
from read_csv($seed_dir || '/scenario_courses.csv', header = true, all_varchar = true);

create or replace temp table scenario_claim as
select
    * replace (
        claim_seq::integer as claim_seq,
        first_course::integer as first_course,
        last_course::integer as last_course
    )
from read_csv($seed_dir || '/scenario_claims.csv', header = true, all_varchar = true);

create or replace temp table ino_line_template as
select *
from read_csv($seed_dir || '/ino_line_templates.csv', header = true, columns = {
    'setting': 'varchar', 'claim_type': 'varchar', 'line_no': 'integer',
    'revenue_center_code': 'varchar', 'hcpcs_code': 'varchar', 'units': 'varchar',
    'unit_price': 'decimal(10,2)'
});

create or replace temp table code_pool as
select *
from read_csv($seed_dir || '/code_pools.csv', header = true, columns = {
    'pool': 'varchar', 'code': 'varchar', 'revenue_center_code': 'varchar',
    'unit_price': 'decimal(10,2)'
});
