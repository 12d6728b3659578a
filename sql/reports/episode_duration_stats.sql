-- Episode-duration summary: count, median and 90th percentile hours, and the shares beyond
-- the review window and beyond the long-episode threshold.
with

episodes as (
    select * from episodes
),

params as (
    select * from params
),

final as (
    select
        count(episodes.duration_hours) as episodes,
        median(episodes.duration_hours) as median_hours,
        quantile_cont(episodes.duration_hours, 0.9) as p90_hours,
        max(episodes.duration_hours) as max_hours,
        count(*) filter (where episodes.duration_hours > params.review_after_hours)
            as over_review,
        count(
            *) filter (
            where episodes.duration_hours > params.review_after_hours
            and not episodes.has_review
        ) as over_review_unreviewed,
        count(*) filter (where episodes.duration_hours > params.long_episode_days * 24)
            as over_long
    from episodes
    cross join params
)

select * from final
