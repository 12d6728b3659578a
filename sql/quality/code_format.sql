-- Code shapes of the audited lines (a SQL check declared in expectations/claims.json,
-- meta.sql_checks): every code in the columns matching $columns must match $regex, else a
-- warning naming the file row and column (the row stays loaded; rules ignore the code). Run in
-- SQL over the codes unpivoted once, instead of one GX expectation per code column.
insert into dq_findings by name
with

codes as (
    unpivot (
        select
            source_file_index,
            source_row,
            columns('^(diagnosis|procedure)_code_[0-9]+$')
        from claim_lines
    )
    on columns('^(diagnosis|procedure)_code_[0-9]+$')
    into name "column" value code
),

malformed as (
    select *
    from codes
    where
        regexp_full_match("column", $columns)
        and not regexp_full_match(code, $regex)
)

select
    'claims' as source,
    batches.path as source_file,
    malformed.source_row,
    malformed."column",
    $expectation as expectation,
    $note as note
from malformed
inner join load_batches as batches
    on batches.source = 'claims' and batches.file_index = malformed.source_file_index
