-- Map CSV row ordinals back to file rows around the rows the CSV reader rejected, then write the
-- quarantine of the loader's checks (blocking expectations add to it: expectation_quarantine.sql). Rejected row i (1-based, in file order) at data row r
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
    -- the suite's blocking expectation(s), for rows quarantined by expectation_quarantine.sql
    null::varchar as expectation
from unioned
inner join files on files.source = unioned.source and files.idx = unioned.source_file_index
group by all
order by unioned.source, source_file, unioned.source_row;
