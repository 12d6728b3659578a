-- Claim numbers of the iNO claims: after the ordinary claims of the block they fall in.
create or replace temp table ino_claim_id as
with
placed as (
    select
        ino_claim.case_no,
        ino_claim.claim_seq,
        ino_claim.ino_claim_ordinal,
        (ino_claim.ino_claim_ordinal * gen_layout.n_blocks) // gen_layout.n_ino_claims
            as block_no
    from ino_claim, gen_layout
)

select
    placed.case_no,
    placed.claim_seq,
    placed.block_no,
    (
        gen_block.base_claim_no + gen_block.n_ordinary
        + row_number() over (partition by placed.block_no order by placed.ino_claim_ordinal)
    )::bigint as claim_no
from placed
inner join gen_block using (block_no);
