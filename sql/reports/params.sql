-- The run's policy version, run id and the thresholds the report's charts mark.
with

params as (
    select * from params
),

final as (
    select
        policy_version,
        run_id,
        review_after_hours,
        long_episode_days,
        long_episode_days * 24 as long_episode_hours,
        outlier_dose_ppm,
        high_dose_ppm,
        provider_min_episodes,
        provider_z_threshold
    from params
)

select * from final
