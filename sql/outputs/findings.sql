-- Findings (contract §4): one per (rule, claim) or (rule, provider). When a rule fired on several
-- courses of a claim, the earliest course's evidence is kept and every course is named. Each
-- finding's evidence carries the policy version that judged its claim (contract §7; provider
-- findings: the run's version) and the run id.
create or replace table findings as
with

hits as (
    select * from rule_hits
),

grouped as (
    select
        rule_id,
        claim_id,
        provider_id,
        arg_min(
            {
                'episode_id': episode_id, 'encounter_id': encounter_id, 'message': message,
                'evidence': evidence
            },
            (coalesce(sort_ts, timestamp '0001-01-01'), coalesce(encounter_id, ''))
        ) as first_hit,
        list(distinct encounter_id order by encounter_id)
        filter (where encounter_id is not null) as encounter_ids
    from hits
    group by rule_id, claim_id, provider_id
),

claim_provider_ids as (
    select claim_id, string_agg(provider_id, ';' order by provider_id) as provider_ids
    from claim_providers
    group by claim_id
),

final as (
    select
        grouped.claim_id,
        grouped.first_hit.episode_id as episode_id,
        coalesce(grouped.provider_id, claim_provider_ids.provider_ids) as provider_id,
        grouped.rule_id,
        rules_registry.severity,
        rules_registry.policy_section,
        coalesce(grouped.first_hit.message, rules_registry.criterion) as message,
        json_merge_patch(
            grouped.first_hit.evidence,
            to_json({
                'encounter_ids': coalesce(grouped.encounter_ids, []),
                'policy_version': coalesce(claim_policy.policy_version, params.policy_version),
                'run_id': params.run_id
            })
        ) as evidence,
        coalesce(claim_policy.policy_version, params.policy_version) as policy_version,
        params.run_id
    from grouped
    inner join rules_registry using (rule_id)
    left join claim_provider_ids using (claim_id)
    left join claim_policy using (claim_id)
    cross join params
)

select * from final
order by claim_id nulls last, rule_id, provider_id;
