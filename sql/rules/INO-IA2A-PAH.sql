-- INO-IA2A-PAH | policy I.A.2.a.i | deny
-- Flags: a newborn (neonatal pathway) course documented with no evidence of pulmonary
-- hypertension (neither an echocardiogram nor clear clinical evidence).
-- Parameters: none (pathway uses newborn_max_days).
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

neonatal as (
    select * from judged where pathway = 'neonatal'
),

final as (
    select
        'INO-IA2A-PAH' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'newborn course documents no evidence of pulmonary hypertension' as message,
        to_json({ 'pathway': pathway, 'pah_evidence': pah_evidence, 'age_days': age_days })
            as evidence
    from neonatal
    where pah_evidence = 'none'
)

select * from final
