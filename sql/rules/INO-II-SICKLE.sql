-- INO-II-SICKLE | policy II | deny
-- Flags: an iNO claim (linked to a course or not) that carries a diagnosis of
-- a sickle-cell crisis (value set sickle_crisis_dx), an indication the policy excludes.
-- Parameters: none.
-- Courses: every iNO claim with each course linked to it (codes alone when it links to none); a
-- continuing course takes its initiating course's values for nulls
with

scoped as (
    select * from claims_in_scope
),

final as (
    select
        'INO-II-SICKLE' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('claim carries {} code(s) {}', 'sickle-cell crisis', array_to_string(sickle_codes, ', '))
            as message,
        to_json({ 'codes': sickle_codes }) as evidence
    from scoped
    where len(sickle_codes) > 0
)

select * from final
