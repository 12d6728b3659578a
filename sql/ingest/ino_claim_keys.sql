-- Keys of the claims with an iNO line (contract §1) as they are written in the extract: the
-- trimmed id, and the untrimmed text where a line's id had surrounding spaces. The second pass
-- (stg_claims_ino, ino_audit/ingest/staging.py) compares the raw key with these, bound as one list.
create or replace temp table ino_claim_keys as
with

ino_ids as (
    select distinct claim_id from index_claims where is_ino_line
),

raw_variants as (
    select distinct index_claims.claim_id_raw as key
    from index_claims
    semi join ino_ids using (claim_id)
    where index_claims.claim_id_raw is not null
)

select claim_id as key from ino_ids
union
select key from raw_variants
