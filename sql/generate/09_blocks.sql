-- Blocks of 12 ordinary lines, each split into claims by a drawn pattern (the last, partial
-- block is one claim), with the iNO claims spread evenly over the blocks. base_claim_no is the
-- number of claims before the block, so claim numbers are dense and follow the block order.
create or replace temp table gen_block as
with
layout as (
    select * from gen_layout
),

patterns as (
    select list(sizes order by pattern_no) as all_sizes
    from claim_pattern
),

block as (
    select
        unnest(range(n_blocks)) as block_no,
        n_blocks,
        n_ordinary_lines
    from layout
),

sized as (
    select
        block.block_no,
        case
            when block.block_no = block.n_blocks - 1 and block.n_ordinary_lines % 12 <> 0
                then [block.n_ordinary_lines % 12]
            else pick(patterns.all_sizes, $seed, block.block_no, 'pattern')
        end as sizes
    from block, patterns
),

ino_per_block as (
    select
        (ino_claim.ino_claim_ordinal * layout.n_blocks) // layout.n_ino_claims as block_no,
        count(*) as n_ino
    from ino_claim, layout
    group by 1
),

counted as (
    select
        sized.block_no,
        sized.sizes,
        len(sized.sizes) as n_ordinary,
        coalesce(ino_per_block.n_ino, 0) as n_ino
    from sized
    left join ino_per_block using (block_no)
)

select
    block_no,
    sizes,
    n_ordinary,
    n_ino,
    coalesce(
        sum(n_ordinary + n_ino) over (
            order by block_no rows between unbounded preceding and 1 preceding
        ),
        0
    )::bigint as base_claim_no
from counted;
