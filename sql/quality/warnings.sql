-- Great Expectations' warnings on one suite's rows (gx_failures, a registered frame:
-- source_file_index, source_row, column, expectation, note, blocking) become data-quality
-- findings; the row stays loaded. Rows that a blocking expectation quarantined while ingesting
-- left their table and get no warning. Template: {source} comes from the suites' constants.
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
        from blocking_failures
        where blocking_failures.source = '{source}'
            and blocking_failures.source_file_index = gx_failures.source_file_index
            and blocking_failures.source_row = gx_failures.source_row
    );
