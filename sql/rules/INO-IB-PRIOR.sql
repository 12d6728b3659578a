-- INO-IB-PRIOR | policy I.B.1 | deny
-- Flags: a claim judged by continuation (linked only to continuing courses) whose episode's
-- initiating course was denied by a rule of I.A or II. Runs last (stage 3). Parameters: none.
with

continuing as (
    select * from judged where not is_initiating
),

denied_initiations as (
    select
        rule_hits.encounter_id,
        list(distinct rule_hits.rule_id order by rule_hits.rule_id) as denying_rules
    from rule_hits
    inner join courses on courses.encounter_id = rule_hits.encounter_id and courses.is_initiating
    where rule_hits.rule_id like 'INO-IA%' or rule_hits.rule_id like 'INO-II-%'
    group by rule_hits.encounter_id
),

episodes_in as (
    select episode_id, initiating_encounter_id from episodes
),

final as (
    select
        'INO-IB-PRIOR' as rule_id,
        continuing.claim_id,
        continuing.encounter_id,
        continuing.episode_id,
        continuing.ino_start as sort_ts,
        format('continuation of an episode whose initiation failed ({})',
            array_to_string(denied.denying_rules, ', ')) as message,
        to_json({
            'initiating_encounter_id': episodes_in.initiating_encounter_id,
            'initiation_denied_by': denied.denying_rules
        }) as evidence
    from continuing
    inner join episodes_in using (episode_id)
    inner join denied_initiations as denied
        on denied.encounter_id = episodes_in.initiating_encounter_id
)

select * from final
