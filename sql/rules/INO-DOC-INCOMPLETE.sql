-- INO-DOC-INCOMPLETE | policy I | records
-- Flags: a judged course missing a field its criteria need: the fields the installed policy
-- lists for initiation, for the course's pathway and for continuation (policy_documentation;
-- CP.MP.87's are those of contract §2: the route of every initiating course; the neonatal,
-- perioperative or COVID-19 fields; the oxygen requirement or weaning start of a continuing
-- course judged by continuation, I.B); always the member and birth date for the age. A
-- gestational age the codes leave on the boundary week (judged.ga_unsettled) counts as missing.
-- Parameters: infant_max_years (gestational age is needed for perioperative infants).
-- Courses: every course linked to the claim: an initiating course's route and pathway fields; a
-- continuing course's oxygen need when the claim links to continuing courses only
with

documentation as (
    select coalesce(list(scope || '.' || field), []) as fields
    from policy_documentation
    semi join params using (policy_version)
),

judged_needs as (
    select judged.*, documentation.fields as doc
    from judged
    cross join documentation
),

needs as (
    select
        judged_needs.*,
        list_filter([
            case when not member_found then 'member (not in the members extract)' end,
            case when member_found and not birth_date_known then 'birth_date' end,
            case
                when
                    is_initiating and delivery_route is null
                    and list_contains(doc, 'initiation.delivery_route')
                    then 'delivery_route'
            end,
            case
                when
                    pathway = 'neonatal' and (ga_weeks is null or ga_unsettled)
                    and list_contains(doc, 'neonatal.gestational_age_weeks')
                    then 'gestational_age_weeks'
            end,
            case
                when
                    pathway = 'neonatal' and pah_evidence is null
                    and list_contains(doc, 'neonatal.pah_evidence')
                    then 'pah_evidence'
            end,
            case
                when
                    pathway = 'neonatal' and conventional_therapy_failed is null
                    and list_contains(doc, 'neonatal.conventional_therapy_failed')
                    then 'conventional_therapy_failed'
            end,
            case
                when
                    pathway = 'neonatal' and oi_used is null
                    and list_contains(doc, 'neonatal.oxygenation_index')
                    then 'oxygenation_index (or fio2, mean_airway_pressure_cmh2o, pao2_mmhg)'
            end,
            case
                when
                    pathway = 'neonatal' and trial_dose_ppm is null
                    and list_contains(doc, 'neonatal.trial_dose_ppm')
                    then 'trial_dose_ppm'
            end,
            case
                when
                    pathway = 'neonatal' and not (pao2_pair_complete or oi_pair_complete)
                    and list_contains(doc, 'neonatal.trial_pair')
                    then 'trial before/after pair (pao2_mmhg and pao2_post_trial_mmhg, or OI and oi_post_trial)'
            end,
            case
                when
                    pathway = 'neonatal' and eff_cdh_status is null
                    and list_contains(doc, 'neonatal.cdh_status')
                    then 'cdh_status'
            end,
            case
                when
                    pathway = 'perioperative' and alternative_vasodilator_started is null
                    and list_contains(doc, 'perioperative.alternative_vasodilator_started')
                    then 'alternative_vasodilator_started'
            end,
            case
                when
                    pathway = 'perioperative' and surgery_context = 'chd_bypass_repair'
                    and pah_evidence is null
                    and list_contains(doc, 'perioperative.pah_evidence_if_bypass_repair')
                    then 'pah_evidence'
            end,
            case
                when
                    pathway = 'perioperative' and is_infant and (ga_weeks is null or ga_unsettled)
                    and list_contains(doc, 'perioperative.gestational_age_weeks_if_infant')
                    then 'gestational_age_weeks'
            end,
            case
                when
                    pathway = 'covid' and optimized_ventilation_failed is null
                    and list_contains(doc, 'covid.optimized_ventilation_failed')
                    then 'optimized_ventilation_failed'
            end,
            case
                when
                    criteria = 'continuation' and fio2_current is null and weaning_started_at is null
                    and list_contains(doc, 'continuation.fio2_current_or_weaning_started_at')
                    then 'fio2_current or weaning_started_at'
            end
        ], lambda x: x is not null) as missing_fields
    from judged_needs
),

final as (
    select
        'INO-DOC-INCOMPLETE' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        'record lacks: ' || array_to_string(missing_fields, ', ') as message,
        to_json({
            'missing_fields': missing_fields, 'pathway': pathway,
            'is_initiating': is_initiating
        }) as evidence
    from needs
    where len(missing_fields) > 0
)

select * from final
