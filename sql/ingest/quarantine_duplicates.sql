-- Later copies of a source's key (first copy by file and row wins) whose values conflict.
-- Template: {source}, {table}, {key} and {conflict} are filled from ino_audit/ingest/quarantine.py's
-- constants, never input. {table} holds the rows checked (claims: every line of the iNO claims,
-- from the second pass).
insert into quarantine_raw
with

indexed as (
    select * from {table} where issues is null
),

repeated_keys as (
    select {key} from indexed group by {key} having count(*) > 1
),

copies as (
    select
        indexed.*,
        row_number() over (
            partition by {key_indexed} order by source_file_index, source_row
        ) as occurrence
    from indexed
    semi join repeated_keys using ({key})
),

firsts as (
    select * from copies where occurrence = 1
)

select
    '{source}' as source,
    copies.source_file_index,
    copies.source_row,
    '{key}' as "column",
    'duplicate of row ' || firsts.source_row || ' of ' || files.path as reason
from copies
inner join firsts using ({key})
inner join files_{source} as files on files.idx = firsts.source_file_index
where copies.occurrence > 1 and ({conflict})
