-- Map CSV row ordinals back to file rows around the rows the CSV reader rejected, then write the
-- final quarantine and load_stats tables. Rejected row i (1-based, in file order) at data row r
-- has r - i good rows before it; a good row k moves down by the count of rejected rows whose
-- good-rows-before is below k (an asof join).
create or replace temp table row_shift as
with

numbered as (
    select
        source,
        source_file_index,
        data_row,
        row_number() over (partition by source, source_file_index order by data_row) as i
    from csv_rejects
)

select source, source_file_index, data_row - i as good_before, max(i) as shift
from numbered
group by all;

create or replace temp macro file_row(src, file_index, ordinal) as coalesce(ordinal + (
    select max(shift)
    from row_shift
    where
        row_shift.source = src
        and row_shift.source_file_index = file_index
        and row_shift.good_before < ordinal
), ordinal);

update claim_lines set source_row = file_row('claims', source_file_index, source_row)
where exists (select 1 from row_shift where source = 'claims');

update encounters set source_row = file_row('encounters', source_file_index, source_row)
where exists (select 1 from row_shift where source = 'encounters');

update members set source_row = file_row('members', source_file_index, source_row)
where exists (select 1 from row_shift where source = 'members');

create or replace table quarantine as
with

rows_with_issues as (
    select
        source,
        source_file_index,
        file_row(source, source_file_index, source_row) as source_row,
        "column",
        reason
    from quarantine_raw
),

rejected as (
    select source, source_file_index, data_row as source_row, null as "column", reason
    from csv_rejects
),

files as (
    select 'claims' as source, idx, path from files_claims
    union all
    select 'encounters', idx, path from files_encounters
    union all
    select 'members', idx, path from files_members
),

unioned as (
    select * from rows_with_issues
    union all
    select * from rejected
)

select
    unioned.source,
    files.path as source_file,
    unioned.source_row,
    string_agg(unioned."column", ';') as "column",
    string_agg(unioned.reason, '; ') as reason,
    -- the Great Expectations expectation(s), for rows quarantined by validate.py
    null::varchar as expectation
from unioned
inner join files on files.source = unioned.source and files.idx = unioned.source_file_index
group by all
order by unioned.source, source_file, unioned.source_row;

create or replace table load_stats as
with

indexed as (
    select 'claims' as source, count(*) as n from index_claims
    union all
    select 'encounters', count(*) from index_encounters
    union all
    select 'members', count(*) from index_members
),

rejected as (
    select source, count(*) as n from csv_rejects group by source
),

quarantined as (
    select source, count(*) as n from quarantine group by source
)

select
    indexed.source,
    indexed.n + coalesce(rejected.n, 0) as input_rows,
    indexed.n + coalesce(rejected.n, 0) - coalesce(quarantined.n, 0) as loaded_rows,
    coalesce(quarantined.n, 0) as quarantined_rows
from indexed
left join rejected using (source)
left join quarantined using (source)
order by indexed.source;
