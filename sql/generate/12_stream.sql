-- The blocks in claim order, each with the lines of the iNO claims that follow its ordinary
-- claims. generate.py stages it as Parquet and out_claims.sql scans that once: rows come out in
-- claim order without a sort, because a scan, unnest and projection keep insertion order.
create or replace temp table gen_stream as
with
ino_block as (
    select
        block_no,
        list(l order by l.claim_no, l.claim_line_number) as ino_lines
    from ino_line as l
    group by block_no
)

select
    gen_block.block_no,
    gen_block.sizes,
    gen_block.n_ordinary,
    gen_block.base_claim_no,
    ino_block.ino_lines
from gen_block
left join ino_block using (block_no)
order by gen_block.block_no;
