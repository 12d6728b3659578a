-- Ordinary claim lines fill the run up to exactly $n lines, in blocks of 12 lines.
create or replace temp table gen_layout as
with
ino as (
    select
        count(*) as n_ino_claims,
        coalesce(sum(n_lines), 0)::bigint as n_ino_lines
    from ino_claim
)

select
    n_ino_claims,
    n_ino_lines,
    $n::bigint - n_ino_lines as n_ordinary_lines,
    ($n::bigint - n_ino_lines + 11) // 12 as n_blocks
from ino;
