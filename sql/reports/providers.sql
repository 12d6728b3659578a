-- Providers (facility NPI, else billing NPI): claims, dollars, episodes, mean episode hours and
-- share over the review window, whether they count as a peer, and the INO-OUT-PROVIDER flag
-- with its modified z-scores. Outliers first, then by dollars at risk.
with

claim_providers as (
    select * from claim_providers
),

claim_episodes as (
    select * from claim_episodes
),

determinations as (
    select * from determinations
),

findings as (
    select * from findings
),

params as (
    select * from params
),

provider_claims as (
    select
        claim_providers.provider_id,
        count(*) as claims,
        count(*) filter (where determinations.determination <> 'supported') as flagged_claims,
        count(*) filter (where determinations.determination = 'not_supported')
            as not_supported_claims,
        coalesce(sum(determinations.paid_amount), 0)::decimal(18, 2) as paid_amount,
        coalesce(sum(determinations.amount_at_risk), 0)::decimal(18, 2) as amount_at_risk
    from claim_providers
    inner join determinations using (claim_id)
    group by claim_providers.provider_id
),

provider_episodes as (
    select distinct
        claim_providers.provider_id, claim_episodes.episode_id,
        claim_episodes.duration_hours
    from claim_providers
    inner join claim_episodes using (claim_id)
),

episode_stats as (
    select
        provider_episodes.provider_id,
        count(*) as episodes,
        avg(provider_episodes.duration_hours) as mean_episode_hours,
        avg(case
            when provider_episodes.duration_hours > params.review_after_hours
                then 1.0
            else 0.0
        end) as long_episode_share
    from provider_episodes
    cross join params
    group by provider_episodes.provider_id
),

outliers as (
    select
        provider_id,
        (evidence ->> 'z_hours')::double as z_hours,
        (evidence ->> 'z_long_rate')::double as z_long_rate,
        message
    from findings
    where rule_id = 'INO-OUT-PROVIDER'
),

final as (
    select
        provider_claims.provider_id,
        provider_claims.claims,
        provider_claims.flagged_claims,
        provider_claims.not_supported_claims,
        provider_claims.paid_amount,
        provider_claims.amount_at_risk,
        coalesce(episode_stats.episodes, 0) as episodes,
        episode_stats.mean_episode_hours,
        episode_stats.long_episode_share,
        coalesce(episode_stats.episodes, 0) >= params.provider_min_episodes as is_peer,
        outliers.provider_id is not null as is_outlier,
        outliers.z_hours,
        outliers.z_long_rate,
        outliers.message as outlier_message
    from provider_claims
    left join episode_stats using (provider_id)
    left join outliers using (provider_id)
    cross join params
)

select * from final
order by is_outlier desc, amount_at_risk desc, episodes desc, provider_id
