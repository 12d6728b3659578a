-- Frame the members suite (expectations/members.json) validates: the loaded members the audit
-- uses (named by a line of an iNO claim or by a course). The loader's checks, including a birth
-- date after the run date, already cover every member row of the extract.
with

audited as (
    select member_id from claim_lines
    union
    select member_id from encounters
),

final as (
    select members.*
    from members
    semi join audited using (member_id)
)

select * from final
order by source_file_index, source_row
