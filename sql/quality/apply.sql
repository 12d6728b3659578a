-- Apply one suite's failures (gx_failures, a registered frame: source_file_index, source_row,
-- column, expectation, note, blocking). A row failing a blocking expectation is quarantined once,
-- naming every failing column and expectation, and removed from its loaded table; load_stats
-- moves it from loaded to quarantined. Warnings become dq_findings on rows that stay loaded.
-- Template: {source} and {table} are filled from validate.py's constants, never from input.
create or replace temp table gx_blocking as
select
    source_file_index,
    source_row,
    string_agg(distinct "column", ';' order by "column") as "column",
    string_agg(distinct "column" || ': ' || note, '; ' order by "column" || ': ' || note) as reason,
    string_agg(distinct expectation, '; ' order by expectation) as expectation
from gx_failures
where blocking
group by source_file_index, source_row;

insert into quarantine by name
select
    '{source}' as source,
    batches.path as source_file,
    gx_blocking.source_row,
    gx_blocking."column",
    gx_blocking.reason,
    gx_blocking.expectation
from gx_blocking
inner join load_batches as batches
    on batches.source = '{source}' and batches.file_index = gx_blocking.source_file_index;

delete from {table}
where exists (
    select 1
    from gx_blocking
    where gx_blocking.source_file_index = {table}.source_file_index
        and gx_blocking.source_row = {table}.source_row
);

update load_stats
set loaded_rows = loaded_rows - moved.n, quarantined_rows = quarantined_rows + moved.n
from (select count(*) as n from gx_blocking) as moved
where load_stats.source = '{source}';

insert into dq_findings by name
select distinct
    '{source}' as source,
    batches.path as source_file,
    gx_failures.source_row,
    gx_failures."column",
    gx_failures.expectation,
    gx_failures.note
from gx_failures
inner join load_batches as batches
    on batches.source = '{source}' and batches.file_index = gx_failures.source_file_index
where not gx_failures.blocking
    and not exists (
        select 1
        from gx_blocking
        where gx_blocking.source_file_index = gx_failures.source_file_index
            and gx_blocking.source_row = gx_failures.source_row
    );
