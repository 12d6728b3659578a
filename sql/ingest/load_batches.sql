-- One row per input file of this load: the batch is keyed by the file's content hash, so a
-- rerun of the same extract replaces its rows instead of adding to them. `rows` counts the
-- file's input rows (loaded + quarantined).
create or replace table load_batches as
with

indexed as (
    select source, source_file_index, n from staged_rows
),

rejected as (
    select source, source_file_index, count(*) as n
    from csv_rejects
    group by all
),

final as (
    select
        batch_files.source,
        batch_files.file_index,
        batch_files.path,
        batch_files.sha256,
        batch_files.bytes,
        coalesce(indexed.n, 0) + coalesce(rejected.n, 0) as rows,
        now()::timestamp as loaded_at
    from batch_files
    left join indexed
        on
            indexed.source = batch_files.source
            and indexed.source_file_index = batch_files.file_index
    left join rejected
        on
            rejected.source = batch_files.source
            and rejected.source_file_index = batch_files.file_index
)

select * from final
order by source, file_index;
