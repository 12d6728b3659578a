-- Frame the claims suite (expectations/claims.json) validates: every line of every iNO claim
-- without its code columns, plus whether all lines of the line's claim name one member.
with

lines as (
    select * from claim_lines
),

final as (
    select
        -- the 50 code columns are checked in SQL (meta.sql_checks), not in this frame
        columns(lambda c: not regexp_full_match(c, '(diagnosis|procedure)_code_[0-9]+')),
        count(distinct member_id) over (partition by claim_id) = 1 as member_consistent
    from lines
)

select * from final
order by source_file_index, source_row
