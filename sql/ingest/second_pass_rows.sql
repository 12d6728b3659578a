-- Number the second pass's CSV rows (contract §1). The second pass (stg_claims_ino) reads the
-- files again through a Bloom filter of the iNO claims' keys; its false positives go first (a
-- trimmed key is an iNO claim's exactly when the key as written is in ino_claim_keys). Both
-- passes keep each file's order, so the k-th remaining row of a file is the k-th line of the
-- first pass (index_claims, numbered) with such a key. ino_audit/ingest/stage.py refuses the
-- result unless every row has its partner with the same key.
delete from stg_claims_ino
where not exists (select 1 from ino_claim_keys where ino_claim_keys.key = stg_claims_ino.claim_id);

create or replace temp table second_pass_rows as
with

first_pass as (
    select
        index_claims.source_file_index,
        index_claims.source_row,
        index_claims.claim_id,
        row_number() over (
            partition by index_claims.source_file_index order by index_claims.source_row
        ) as k
    from index_claims
    -- the CSV files: those whose rows number_rows.sql numbered
    semi join index_claims_runs using (source_file_index)
    semi join ino_claim_keys
        on ino_claim_keys.key = coalesce(index_claims.claim_id_raw, index_claims.claim_id)
),

second_pass as (
    select
        rowid as row_id,
        source_file_index,
        claim_id,
        row_number() over (partition by source_file_index order by rowid) as k
    from stg_claims_ino
    where source_row is null
)

select
    second_pass.row_id,
    first_pass.source_row,
    first_pass.claim_id as first_key,
    second_pass.claim_id as second_key
from second_pass
full join first_pass using (source_file_index, k);

update stg_claims_ino
set source_row = second_pass_rows.source_row
from second_pass_rows
where stg_claims_ino.rowid = second_pass_rows.row_id;
