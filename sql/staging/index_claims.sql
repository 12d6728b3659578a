-- Staging pass over every claim line of the extract: its key, whether it carries an iNO code
-- (contract §1), and its blocking issues. Narrow on purpose: the wide lines are read again
-- only for iNO claims (load_claim_lines.sql).
create or replace temp table index_claims as
with

ino_pcs as (
    select list(code) as codes
    from value_set_codes
    where value_set = 'ino_procedure' and code_system = 'ICD-10-PCS'
),

ino_cpt as (
    select list(code) as codes
    from value_set_codes
    where value_set = 'ino_procedure' and code_system = 'CPT'
),

lines as (
    select
        source_file_index,
        source_row,
        claim_id,
        claim_line_number,
        list_value(*columns('^procedure_code_[0-9]+$')) as procedure_codes,
        hcpcs_code,
        issues
    from stg_claims
)

select
    lines.source_file_index,
    lines.source_row,
    lines.claim_id,
    lines.claim_line_number,
    list_has_any(lines.procedure_codes, ino_pcs.codes)
        or list_contains(ino_cpt.codes, lines.hcpcs_code) as is_ino_line,
    lines.issues
from lines
cross join ino_pcs
cross join ino_cpt
