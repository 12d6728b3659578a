-- Staging pass over every claim line of the extract: its key, whether it carries an iNO code
-- (contract §1), and its blocking issues. Narrow on purpose: the wide lines are read again
-- only for iNO claims (load_tables.sql). The iNO test {ino_match} compares each procedure
-- column and the HCPCS code with the value set ino_procedure, bound as parameters by load.py
-- (one comparison per code: much cheaper than building a list per line).
create or replace temp table index_claims as
with

lines as (
    select
        source_file_index,
        source_row,
        claim_id,
        claim_line_number,
        claim_id_raw,
        hcpcs_code,
        columns('^procedure_code_[0-9]+$'),
        issues
    from stg_claims
)

select
    source_file_index,
    source_row,
    claim_id,
    claim_line_number,
    claim_id_raw,
    {ino_match} as is_ino_line,
    issues
from lines
