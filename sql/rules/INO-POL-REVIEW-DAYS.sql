-- INO-POL-REVIEW-DAYS | policy file ([duration] review_beyond_days) | review
-- Flags: every claim linked to an episode that lasted more than the policy's number of days
-- (review_beyond_days x 24 hours) with no review date on any of its courses
-- (medical_director_review_date: the only review the record carries). A review trigger, not a
-- limit. The finding cites the section of [duration] when the file gives one.
-- Applies only under a policy that enables it.
-- Parameters: review_beyond_days, duration_section.
-- Courses: the episode of every course linked to the claim
with

episodes_of_claims as (
    select claim_episodes.*, params.review_beyond_days, params.duration_section
    from claim_episodes
    cross join params
),

final as (
    select
        'INO-POL-REVIEW-DAYS' as rule_id,
        claim_id,
        null as encounter_id,
        episode_id,
        episode_start as sort_ts,
        format(
            'episode lasted {} days (over {} days) with no documented review',
            round(duration_hours / 24, 2), review_beyond_days
        ) as message,
        to_json({
            'episode_hours': duration_hours, 'episode_days': round(duration_hours / 24, 2),
            'episode_start': episode_start, 'episode_stop': episode_stop,
            'course_count': course_count, 'review_beyond_days': review_beyond_days,
            'policy_section': duration_section
        }) as evidence
    from episodes_of_claims
    where duration_hours > review_beyond_days * 24 and not has_review
)

select * from final
