-- The end of ingest: the quarantine in file order, and one load_stats row per source, written
-- once, after every check (loader and blocking expectations) has quarantined what it blocks.
-- Every input row is counted once: input rows = loaded rows + quarantined rows.
create or replace table quarantine as
select *
from quarantine
order by source, source_file, source_row;

create or replace table load_stats as
with

indexed as (
    select source, sum(n) as n from staged_rows group by source
),

rejected as (
    select source, count(*) as n from csv_rejects group by source
),

quarantined as (
    select source, count(*) as n from quarantine group by source
)

select
    indexed.source,
    indexed.n + coalesce(rejected.n, 0) as input_rows,
    indexed.n + coalesce(rejected.n, 0) - coalesce(quarantined.n, 0) as loaded_rows,
    coalesce(quarantined.n, 0) as quarantined_rows
from indexed
left join rejected using (source)
left join quarantined using (source)
order by indexed.source;
