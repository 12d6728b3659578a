-- INO-48H-NO-REVIEW | policy I (note on extended administration) | review
-- Flags: every claim linked to an episode that lasted longer than the review window with no
-- medical-director review date on any of its courses.
-- Parameters: review_after_hours.
-- Courses: the episode of every course linked to the claim
with

episodes_of_claims as (
    select claim_episodes.*, params.review_after_hours
    from claim_episodes
    cross join params
),

final as (
    select
        'INO-48H-NO-REVIEW' as rule_id,
        claim_id,
        null as encounter_id,
        episode_id,
        episode_start as sort_ts,
        format(
            'episode lasted {} h (over {} h) with no medical-director review',
            duration_hours, review_after_hours
        ) as message,
        to_json({
            'episode_hours': duration_hours, 'episode_start': episode_start,
            'episode_stop': episode_stop, 'course_count': course_count,
            'review_after_hours': review_after_hours
        }) as evidence
    from episodes_of_claims
    where duration_hours > review_after_hours and not has_review
)

select * from final
