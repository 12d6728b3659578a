-- ICD-10-CM membership of the audited lines' diagnosis codes (a SQL check declared in
-- expectations/claims.json, meta.sql_checks): a code of the right shape ($regex) that is neither
-- in ICD-10-CM nor named by the policy's value sets (e.g. WHO's U07.2) is a warning naming the
-- file row and column. "Known" is defined as in sql/facts/claim_codes.sql, so this check
-- and INO-DQ-UNKNOWN-CODE always agree. Malformed codes are left to the format expectation.
insert into dq_findings by name
with

dx as (
    unpivot (
        select source_file_index, source_row, columns('^diagnosis_code_[0-9]+$')
        from claim_lines
    )
    on columns('^diagnosis_code_[0-9]+$')
    into name "column" value code
),

known as (
    select code from icd10cm_codes
    union
    select code from value_set_codes where code_system like 'ICD-10%'
),

unknown as (
    select dx.*
    from dx
    anti join known using (code)
    where regexp_full_match(dx.code, $regex)
)

select
    'claims' as source,
    batches.path as source_file,
    unknown.source_row,
    unknown."column",
    $expectation as expectation,
    $note as note
from unknown
inner join load_batches as batches
    on batches.source = 'claims' and batches.file_index = unknown.source_file_index
