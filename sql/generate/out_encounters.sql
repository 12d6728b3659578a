-- Encounters: one row per iNO course; claim_id names a claim for some courses (explicit link).
select
    'E' || lpad(e.encounter_no::varchar, 7, '0') as encounter_id,
    'M' || lpad(e.member_no::varchar, 7, '0') as member_id,
    'C' || lpad(i.claim_no::varchar, 9, '0') as claim_id,
    e.ino_start,
    e.ino_stop,
    e.delivery_route,
    e.gestational_age_weeks,
    e.pah_evidence,
    e.conventional_therapy_failed,
    e.oxygenation_index,
    e.mean_airway_pressure_cmh2o,
    e.fio2,
    e.pao2_mmhg,
    e.trial_dose_ppm,
    e.pao2_post_trial_mmhg,
    e.oi_post_trial,
    e.max_dose_ppm,
    e.cdh_status,
    e.surgery_context,
    e.alternative_vasodilator_started,
    e.optimized_ventilation_failed,
    e.positive_vasoreactivity_test,
    e.fio2_current,
    e.weaning_started_at,
    e.medical_director_review_date
from ino_course as e
left join ino_claim_id as i
    on i.case_no = e.case_no and i.claim_seq = e.named_claim_seq
order by e.encounter_no
