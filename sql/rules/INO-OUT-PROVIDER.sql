-- INO-OUT-PROVIDER | no policy section (peer comparison) | outlier
-- Flags: a provider (facility NPI, else billing NPI) whose mean episode hours or share of
-- episodes over the review window is a robust outlier among peers with enough episodes:
-- modified z-score 0.6745 x (value - median) / MAD above the threshold; no finding when MAD = 0.
-- Parameters: provider_min_episodes, provider_z_threshold, review_after_hours.
-- Courses: the episodes of every provider's claims
with

provider_episodes as (
    select distinct
        claim_providers.provider_id, claim_episodes.episode_id,
        claim_episodes.duration_hours
    from claim_providers
    inner join claim_episodes using (claim_id)
),

per_provider as (
    select
        provider_episodes.provider_id,
        count(*) as episode_count,
        avg(duration_hours) as mean_hours,
        avg(case when duration_hours > params.review_after_hours then 1.0 else 0.0 end)
            as long_rate
    from provider_episodes
    cross join params
    group by provider_episodes.provider_id
),

peers as (
    select per_provider.*
    from per_provider
    cross join params
    where episode_count >= params.provider_min_episodes
),

centre as (
    select median(mean_hours) as med_hours, median(long_rate) as med_rate from peers
),

spread as (
    select
        median(abs(peers.mean_hours - centre.med_hours)) as mad_hours,
        median(abs(peers.long_rate - centre.med_rate)) as mad_rate
    from peers
    cross join centre
),

scored as (
    select
        peers.*,
        centre.*,
        spread.*,
        case
            when spread.mad_hours > 0
                then 0.6745 * (peers.mean_hours - centre.med_hours) / spread.mad_hours
        end as z_hours,
        case
            when spread.mad_rate > 0
                then 0.6745 * (peers.long_rate - centre.med_rate) / spread.mad_rate
        end as z_rate,
        params.provider_z_threshold,
        (select count(*) from peers) as peer_count  -- noqa: AL04
    from peers  -- noqa: AL04
    cross join centre
    cross join spread
    cross join params
),

final as (
    select
        'INO-OUT-PROVIDER' as rule_id,
        null as claim_id,
        null as encounter_id,
        null as episode_id,
        provider_id,
        null::timestamp as sort_ts,
        format(
            'provider mean episode {} h (peer median {} h), {}% of episodes over the review window (peer median {}%)',
            round(mean_hours, 1), round(med_hours, 1), round(long_rate * 100, 1),
            round(med_rate * 100, 1)
        ) as message,
        to_json({
            'episode_count': episode_count, 'mean_hours': round(mean_hours, 2),
            'long_rate': round(long_rate, 4), 'peer_median_hours': round(med_hours, 2),
            'peer_median_long_rate': round(med_rate, 4), 'z_hours': round(z_hours, 3),
            'z_long_rate': round(z_rate, 3), 'peer_count': peer_count,
            'z_threshold': provider_z_threshold
        }) as evidence
    from scored
    where z_hours > provider_z_threshold or z_rate > provider_z_threshold
)

select * from final
