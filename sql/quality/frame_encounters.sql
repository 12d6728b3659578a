-- Frame the encounters suite (expectations/encounters.json) validates: every loaded course,
-- plus cross-file facts (null when they cannot be judged): the member is in the members
-- extract, an explicit claim_id names an iNO claim of the claims extract, the course starts on
-- or after the member's birth date; and the course's length in days (course_days), for the
-- implausibly-long-course warning.
with

courses as (
    select * from encounters
),

members_in as (
    select member_id, birth_date from members
),

claims_in as (
    select claim_id from ino_claim_ids
),

final as (
    select
        courses.*,
        members_in.member_id is not null as member_in_members,
        case when courses.claim_id is not null then claims_in.claim_id is not null end
            as claim_in_extract,
        case
            when members_in.birth_date is not null
                then courses.ino_start::date >= members_in.birth_date
        end as starts_after_birth,
        epoch(courses.ino_stop - courses.ino_start) / 86400.0 as course_days
    from courses
    left join members_in on members_in.member_id = courses.member_id
    left join claims_in on claims_in.claim_id = courses.claim_id
)

select * from final
order by source_file_index, source_row
