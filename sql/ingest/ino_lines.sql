-- The iNO lines of Parquet claim extracts (contract §1): first of the two narrow scans of the
-- first pass (index_claims.sql). It reads the key and the code columns only and keeps the few
-- lines whose HCPCS code or a procedure code is in the value set ino_procedure. The template
-- field `staged` is the staging select with that test as `is_ino_line`
-- (ino_audit/ingest/stage.py; the codes are bound as parameters).
create or replace temp table ino_lines as
select staged.source_file_index, staged.source_row, staged.claim_id
from ({staged}) as staged
where staged.is_ino_line
