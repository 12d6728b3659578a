-- First pass over the claim lines of Parquet extracts (contract §1): keeps only the lines that
-- matter, never a row per line of the extract. A line is kept when it is an iNO line
-- (ino_lines.sql, the first narrow scan), has a blocking issue, or has a key padded with spaces
-- (the second pass filters on the raw key): the second narrow scan, which reads the checked
-- columns only; a clean line pays its boolean tests and is dropped. Testing both questions in
-- one scan was measured slower. Parquet gives every line its file row number, so both scans
-- number a line alike.
create or replace temp table flagged_lines as
select source_file_index, source_row, claim_id, claim_id_raw, issues
from stg_claims
where issues is not null or claim_id_raw is not null;

create or replace temp table index_claims as
with

unioned as (
    select
        source_file_index,
        source_row,
        claim_id,
        null::varchar as claim_id_raw,
        true as is_ino_line,
        null as issues
    from ino_lines
    union all
    select
        source_file_index,
        source_row,
        claim_id,
        claim_id_raw,
        false as is_ino_line,
        issues
    from flagged_lines
)

select
    source_file_index,
    source_row,
    any_value(claim_id) as claim_id,
    any_value(claim_id_raw) as claim_id_raw,
    bool_or(is_ino_line) as is_ino_line,
    any_value(issues) as issues
from unioned
group by source_file_index, source_row;
