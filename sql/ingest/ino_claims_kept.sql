-- After quarantining claim lines: a claim none of whose remaining lines carries an iNO code
-- (contract §1) is no longer an iNO claim; its other lines leave claim_lines (they stay loaded,
-- like every line of a claim that is not audited).
create or replace temp table ino_claims_kept as
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
    select claim_id, list_value(*columns('^procedure_code_[0-9]+$')) as procedure_codes, hcpcs_code
    from claim_lines
)

select distinct lines.claim_id
from lines
cross join ino_pcs
cross join ino_cpt
where
    list_has_any(lines.procedure_codes, ino_pcs.codes)
    or list_contains(ino_cpt.codes, lines.hcpcs_code);

delete from claim_lines where claim_id not in (select claim_id from ino_claims_kept);

delete from ino_claim_ids where claim_id not in (select claim_id from ino_claims_kept);
