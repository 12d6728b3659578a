-- INO-IA2B-WEAN | policy I.A.2.b.ii | deny
-- Flags: a perioperative course where no alternative vasodilator was started to wean iNO.
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

perioperative as (
    select * from judged where pathway = 'perioperative'
),

final as (
    select
        'INO-IA2B-WEAN' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'no alternative vasodilator was started with the intent to wean iNO' as message,
        to_json({
            'surgery_context': surgery_context,
            'alternative_vasodilator_started': alternative_vasodilator_started
        }) as evidence
    from perioperative
    where alternative_vasodilator_started = false
)

select * from final
