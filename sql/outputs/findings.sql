-- Findings (contract §4): one per (rule, claim) or (rule, provider). When a rule fired on several
-- courses of a claim, the earliest course's evidence is kept and every course is named. Each
-- finding's evidence carries the policy version that judged its claim (contract §7; provider
-- findings: the run's version) and the run id. That version's file may change a rule's severity,
-- the policy section its findings cite (a policy-file rule cites the section its evidence
-- names) and the denial tag its evidence carries (policy_rule_settings).
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

settings as (
    select * from policy_rule_settings
),

claim_provider_ids as (
    select claim_id, string_agg(provider_id, ';' order by provider_id) as provider_ids
    from claim_providers
    group by claim_id
),

versioned as (
    select
        grouped.*,
        coalesce(claim_policy.policy_version, params.policy_version) as policy_version,
        params.run_id
    from grouped
    left join claim_policy using (claim_id)
    cross join params
),

final as (
    select
        versioned.claim_id,
        versioned.first_hit.episode_id as episode_id,
        coalesce(versioned.provider_id, claim_provider_ids.provider_ids) as provider_id,
        versioned.rule_id,
        coalesce(settings.severity, rules_registry.severity) as severity,
        coalesce(
            versioned.first_hit.evidence ->> 'policy_section',
            settings.policy_section,
            rules_registry.policy_section
        ) as policy_section,
        coalesce(versioned.first_hit.message, rules_registry.criterion) as message,
        json_merge_patch(
            case
                when settings.tag is null then versioned.first_hit.evidence
                else json_merge_patch(versioned.first_hit.evidence, to_json({ 'tag': settings.tag }))
            end,
            to_json({
                'encounter_ids': coalesce(versioned.encounter_ids, []),
                'policy_version': versioned.policy_version,
                'run_id': versioned.run_id
            })
        ) as evidence,
        versioned.policy_version,
        versioned.run_id
    from versioned
    inner join rules_registry using (rule_id)
    left join settings using (policy_version, rule_id)
    left join claim_provider_ids using (claim_id)
)

select * from final
order by claim_id nulls last, rule_id, provider_id;
