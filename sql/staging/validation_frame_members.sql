-- Frame the members suite (expectations/members.json) validates: every loaded member.
with

final as (
    select * from members
)

select * from final
order by source_file_index, source_row
