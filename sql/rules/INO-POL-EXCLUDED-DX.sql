-- INO-POL-EXCLUDED-DX | policy file ([[exclusions]] of the claim's policy) | deny
-- Flags: an iNO claim (linked to a course or not) that carries a diagnosis on one of the
-- installed policy's own exclusion lists (policy_exclusion_codes: codes, ranges and value sets
-- of the file, expanded against ICD-10-CM). A list with min_age_days applies only from that age
-- (at episode start; for a claim with no course, at the claim's start). The evidence names the
-- first list hit (the file's order), its tag (investigational or not medically necessary, which
-- chooses the denial code) and the section of the policy, and lists any other lists hit.
-- Applies only under a policy that enables it.
-- Parameters: none (the lists are the policy's).
-- Courses: every iNO claim with each course linked to it (codes alone when it links to none)
with

scoped as (
    select claim_id, encounter_id, episode_id, ino_start from claims_in_scope
),

lists as (
    select exclusion_codes.*
    from policy_exclusion_codes as exclusion_codes
    semi join params using (policy_version)
),

dx as (
    select claim_id, code
    from claim_codes
    where code_system = 'ICD-10-CM' and is_known
),

ages as (
    select
        scoped.*,
        coalesce(
            episodes.age_days,
            date_sub('day', members.birth_date, ino_claims.claim_start_date)
        ) as age_days
    from scoped
    inner join ino_claims using (claim_id)
    left join episodes using (episode_id)
    left join members on members.member_id = ino_claims.member_id
),

hits as (
    select
        ages.claim_id,
        ages.encounter_id,
        ages.episode_id,
        ages.ino_start,
        ages.age_days,
        lists.exclusion,
        lists.position,
        lists.label,
        lists.tag,
        lists.policy_section,
        list(distinct lists.code_dotted order by lists.code_dotted) as codes
    from ages
    inner join dx using (claim_id)
    inner join lists on lists.code = dx.code
    where lists.min_age_days is null or ages.age_days >= lists.min_age_days
    group by all
),

per_course as (
    select
        claim_id,
        encounter_id,
        any_value(episode_id) as episode_id,
        any_value(ino_start) as ino_start,
        arg_min(
            {
                'exclusion': exclusion, 'label': label, 'tag': tag,
                'policy_section': policy_section, 'codes': codes
            },
            position
        ) as first_list,
        list(exclusion order by position) as exclusions
    from hits
    group by claim_id, encounter_id
),

final as (
    select
        'INO-POL-EXCLUDED-DX' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'claim carries {} code(s) {}: {} under {}',
            first_list.label, array_to_string(first_list.codes, ', '),
            replace(first_list.tag, '_', ' '), first_list.policy_section
        ) as message,
        to_json({
            'exclusion': first_list.exclusion, 'label': first_list.label,
            'tag': first_list.tag, 'policy_section': first_list.policy_section,
            'codes': first_list.codes, 'exclusions_hit': exclusions
        }) as evidence
    from per_course
)

select * from final
