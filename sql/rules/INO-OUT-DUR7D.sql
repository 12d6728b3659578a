-- INO-OUT-DUR7D | policy Treatment Regimen | outlier
-- Flags: every claim linked to an episode longer than the usual course (most treated infants
-- are off iNO within a week).
-- Parameters: long_episode_days.
-- Courses: the episode of every course linked to the claim
with

episodes_of_claims as (
    select claim_episodes.*, params.long_episode_days
    from claim_episodes
    cross join params
),

final as (
    select
        'INO-OUT-DUR7D' as rule_id,
        claim_id,
        null as encounter_id,
        episode_id,
        episode_start as sort_ts,
        format(
            'episode lasted {} days (over {})', round(duration_hours / 24, 1),
            long_episode_days
        ) as message,
        to_json({
            'episode_hours': duration_hours, 'has_review': has_review,
            'long_episode_days': long_episode_days
        }) as evidence
    from episodes_of_claims
    where duration_hours > long_episode_days * 24
)

select * from final
