-- INO-IA2A-CONV | policy I.A.2.a.iii | deny
-- Flags: a newborn (neonatal pathway) course where conventional therapy is documented as not
-- having failed (and not expected to fail).
-- Parameters: none.
with

neonatal as (
    select * from judged where pathway = 'neonatal'
),

final as (
    select
        'INO-IA2A-CONV' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'conventional therapy is documented as not failed before iNO' as message,
        to_json({'pathway': pathway, 'conventional_therapy_failed': conventional_therapy_failed})
            as evidence
    from neonatal
    where conventional_therapy_failed = false
)

select * from final
