-- Rows with blocking issues (required value missing, bad type, value outside the contract's
-- list, dates out of order): one quarantine row per input row, naming every failing column.
-- Template: {source} is filled from load.py's constants, never input.
insert into quarantine_raw
with

issues as (
    select source_file_index, source_row, unnest(issues) as issue
    from index_{source}
)

select
    '{source}' as source,
    source_file_index,
    source_row,
    string_agg(issue.column, ';') as "column",
    string_agg(issue.column || ': ' || issue.reason, '; ') as reason
from issues
group by source_file_index, source_row
