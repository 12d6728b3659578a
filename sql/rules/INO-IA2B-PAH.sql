-- INO-IA2B-PAH | policy I.A.2.b.i.a.1 | deny
-- Flags: a perioperative course for bypass repair of a congenital heart defect where the
-- defect is documented as not causing pulmonary hypertension.
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

perioperative as (
    select * from judged where pathway = 'perioperative'
),

final as (
    select
        'INO-IA2B-PAH' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'bypass repair of a heart defect without evidence of pulmonary hypertension' as message,
        to_json({ 'surgery_context': surgery_context, 'pah_evidence': pah_evidence }) as evidence
    from perioperative
    where surgery_context = 'chd_bypass_repair' and pah_evidence = 'none'
)

select * from final
