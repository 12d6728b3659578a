-- INO-IA2A-CONV | policy I.A.2.a.iii | deny
-- Flags: a newborn (neonatal pathway) course where conventional therapy is documented as not
-- having failed (and not expected to fail).
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
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
        to_json({ 'pathway': pathway, 'conventional_therapy_failed': conventional_therapy_failed })
            as evidence
    from neonatal
    where conventional_therapy_failed = false
)

select * from final
