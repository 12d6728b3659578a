-- Frame the claims suite (expectations/claims.json) validates: every line of every iNO claim,
-- plus whether all lines of the line's claim name one member.
with

lines as (
    select * from claim_lines
),

final as (
    select
        lines.*,
        count(distinct member_id) over (partition by claim_id) = 1 as member_consistent
    from lines
)

select * from final
order by source_file_index, source_row
