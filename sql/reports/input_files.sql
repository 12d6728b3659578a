-- Input files with size, SHA-256 and quarantined rows; loaded rows are shown per file when the
-- source has a single file (row counts are kept per source). report_input_files is registered by
-- the report writer from the run's file list.
with

files as (
    select * from report_input_files
),

quarantine as (
    select * from quarantine
),

load_stats as (
    select * from load_stats
),

per_file as (
    select source, source_file as path, count(*) as quarantined_rows
    from quarantine
    group by all
),

files_per_source as (
    select source, count(*) as file_count
    from files
    group by source
),

final as (
    select
        files.source,
        files.path,
        files.bytes,
        files.sha256,
        case when files_per_source.file_count = 1 then load_stats.input_rows end as input_rows,
        case when files_per_source.file_count = 1 then load_stats.loaded_rows end as loaded_rows,
        coalesce(per_file.quarantined_rows, 0) as quarantined_rows
    from files
    inner join files_per_source using (source)
    left join load_stats using (source)
    left join per_file on per_file.source = files.source and per_file.path = files.path
)

select * from final
order by source, path
