-- First pass over the claim lines when the extract has a CSV file (contract §1): one narrow row
-- per line (key, iNO test, blocking issues), from one parallel scan that keeps each file's
-- order. A CSV row has no file row number: it is numbered afterwards by its place among the
-- stored rows (number_rows.sql), so every line must be stored; Parquet extracts keep only the
-- lines that matter (ino_lines.sql, index_claims.sql). The template field `staged` is the
-- staging select with `is_ino_line` and `claim_id_raw` (ino_audit/ingest/stage.py).
create or replace temp table index_claims as
select
    staged.source_file_index,
    staged.source_row,
    staged.claim_id,
    staged.claim_id_raw,
    staged.is_ino_line,
    staged.issues
from ({staged}) as staged
