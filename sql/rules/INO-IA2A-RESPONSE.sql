-- INO-IA2A-RESPONSE | policy I.A.2.a.v | deny
-- Flags: a newborn (neonatal pathway) course with no response to the iNO trial: the trial dose
-- exceeded the maximum, or at least one before/after pair is complete and none shows the PaO2
-- rise or the OI fall (facts pao2_rise_mmhg, oi_fall_fraction and the pair flags of
-- course_facts). With no dose or no complete pair the response is undetermined: no finding here,
-- INO-DOC-INCOMPLETE names the missing fields.
-- Parameters: max_trial_dose_ppm, min_pao2_rise_mmhg, min_oi_fall_fraction.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

neonatal as (
    select
        judged.*, params.max_trial_dose_ppm, params.min_pao2_rise_mmhg,
        params.min_oi_fall_fraction
    from judged
    cross join params
    where pathway = 'neonatal'
),

judged_trials as (
    select
        *,
        case
            when trial_dose_ppm > max_trial_dose_ppm then false
            when trial_dose_ppm is null then null
            when not (pao2_pair_complete or oi_pair_complete) then null
            else
                coalesce(pao2_pair_complete and pao2_rise_mmhg >= min_pao2_rise_mmhg, false)
                or coalesce(oi_pair_complete and oi_fall_fraction >= min_oi_fall_fraction, false)
        end as trial_response
    from neonatal
),

final as (
    select
        'INO-IA2A-RESPONSE' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        case
            when trial_dose_ppm > max_trial_dose_ppm
                then format('trial dose {} ppm exceeds {} ppm', trial_dose_ppm, max_trial_dose_ppm)
            else
                format(
                    'no response to the {} ppm trial (PaO2 rise {} mmHg, OI fall {})',
                    trial_dose_ppm, shown(pao2_rise_mmhg), shown(oi_fall_fraction)
                )
        end as message,
        to_json({
            'trial_dose_ppm': trial_dose_ppm, 'pao2_mmhg': pao2_mmhg,
            'pao2_post_trial_mmhg': pao2_post_trial_mmhg, 'pao2_rise_mmhg': pao2_rise_mmhg,
            'oi': oi_used, 'oi_post_trial': oi_post_trial, 'oi_fall_fraction': oi_fall_fraction,
            'max_trial_dose_ppm': max_trial_dose_ppm, 'min_pao2_rise_mmhg': min_pao2_rise_mmhg,
            'min_oi_fall_fraction': min_oi_fall_fraction
        }) as evidence
    from judged_trials
    where trial_response = false
)

select * from final
