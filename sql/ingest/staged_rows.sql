-- Rows read from each file of one source (0 for a file with a header only), for load_batches and load_stats (input rows = loaded +
-- quarantined). {rows} is the source's staged table, or the source itself when the first pass
-- kept only some lines (Parquet claims: the count comes from the files' metadata).
-- Template: {source} and {rows} are filled from ino_audit/ingest/stage.py's constants, never input.
insert into staged_rows
with

counted as (
    select source_file_index, count(*) as n
    from {rows}
    group by source_file_index
)

select '{source}' as source, files.idx as source_file_index, coalesce(counted.n, 0) as n
from files_{source} as files
left join counted on counted.source_file_index = files.idx
