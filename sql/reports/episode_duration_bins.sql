-- Episode-duration histogram: episodes per 6-hour bin up to twice the long-episode threshold
-- (or the review window, whichever is longer); longer episodes fall into the last, open bin.
with

episodes as (
    select * from episodes
),

params as (
    select * from params
),

bounds as (
    select
        6.0 as width,
        ceil(greatest(long_episode_days * 24 * 2, review_after_hours * 2, 48) / 6.0) * 6.0
            as cap_hours
    from params
),

binned as (
    select
        least(
            floor(greatest(episodes.duration_hours, 0) / bounds.width) * bounds.width,
            bounds.cap_hours
        ) as bin_start,
        bounds.width,
        bounds.cap_hours
    from episodes
    cross join bounds
    where episodes.duration_hours is not null
),

final as (
    select
        bin_start,
        bin_start + width as bin_end,
        bin_start >= cap_hours as is_open,
        count(*) as episodes
    from binned
    group by all
)

select * from final
order by bin_start
