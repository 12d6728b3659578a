-- Quarantine the {source} rows that fail a blocking expectation of their suite (found in SQL by
-- ino_audit/quality/blocking.py into blocking_failures): one quarantine row per input row,
-- naming every failing column and expectation, and the row leaves its loaded table ({table}).
-- Template: {source} and {table} are filled from the suites' constants, never from input.
create or replace temp table blocked_rows as
select
    source_file_index,
    source_row,
    string_agg(distinct "column", ';' order by "column") as "column",
    string_agg(distinct "column" || ': ' || note, '; ' order by "column" || ': ' || note) as reason,
    string_agg(distinct expectation, '; ' order by expectation) as expectation
from blocking_failures
where source = '{source}'
group by source_file_index, source_row;

insert into quarantine by name
select
    '{source}' as source,
    batches.path as source_file,
    blocked_rows.source_row,
    blocked_rows."column",
    blocked_rows.reason,
    blocked_rows.expectation
from blocked_rows
inner join load_batches as batches
    on batches.source = '{source}' and batches.file_index = blocked_rows.source_file_index;

delete from {table}
where exists (
    select 1
    from blocked_rows
    where blocked_rows.source_file_index = {table}.source_file_index
        and blocked_rows.source_row = {table}.source_row
);
