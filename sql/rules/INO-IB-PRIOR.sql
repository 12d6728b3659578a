-- INO-IB-PRIOR | policy I.B.1 | deny
-- Flags: a claim judged by continuation (linked to continuing courses only) whose episode's
-- initiating course was denied by a deny rule of section I.A or II (INO-IA2-NONE included). A
-- billed initiation is denied by a hit on any claim linked to it; an initiation that no claim
-- links to is judged on its own record with this claim's codes (judged_pairs, billed = false).
-- The initiation's rules are those this rule runs after (registry column `after`: every deny
-- rule of I.A and II and the policy-file exclusions; table rule_dependencies), counted when
-- their severity under the installed policy is deny. Parameters: none.
-- Courses: the continuing courses of a claim linked to continuing courses only (I.B); reads the
-- verdict of I.A and II on the episode's initiating course
with

continuing as (
    select * from judged where criteria = 'continuation'
),

initiation_rules as (
    select after_rule_id as rule_id
    from denying_dependencies
    where rule_id = 'INO-IB-PRIOR'
),

initiation_hits as (
    select rule_hits.claim_id, rule_hits.encounter_id, rule_hits.rule_id, pairs.billed
    from rule_hits
    inner join judged_pairs as pairs using (claim_id, encounter_id)
    semi join initiation_rules using (rule_id)
    where pairs.is_initiating
),

episodes_in as (
    select episode_id, initiating_encounter_id from episodes
),

denials as (
    select
        continuing.claim_id,
        continuing.encounter_id,
        continuing.episode_id,
        continuing.ino_start,
        episodes_in.initiating_encounter_id,
        bool_and(hits.billed) as initiation_billed,
        list(distinct hits.rule_id order by hits.rule_id) as denying_rules
    from continuing
    inner join episodes_in using (episode_id)
    inner join initiation_hits as hits
        on
            hits.encounter_id = episodes_in.initiating_encounter_id
            and (hits.billed or hits.claim_id = continuing.claim_id)
    group by all
),

final as (
    select
        'INO-IB-PRIOR' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'continuation of an episode whose initiating course {}{} failed: {}',
            initiating_encounter_id,
            case when initiation_billed then '' else ', billed on no claim' end,
            array_to_string(denying_rules, ', ')
        ) as message,
        to_json({
            'initiating_encounter_id': initiating_encounter_id,
            'initiation_billed': initiation_billed,
            'initiation_denied_by': denying_rules
        }) as evidence
    from denials
)

select * from final
