-- Rows per source: read, loaded and quarantined (input rows = loaded + quarantined).
with

load_stats as (
    select * from load_stats
),

final as (
    select source, input_rows, loaded_rows, quarantined_rows
    from load_stats
)

select * from final
order by source
