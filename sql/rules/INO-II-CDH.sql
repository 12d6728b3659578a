-- INO-II-CDH | policy II, I.A.2.a.ii | deny
-- Flags: congenital diaphragmatic hernia, coded on the claim (value set cdh_dx) or documented
-- as unrepaired, unless iNO bridges to surgical repair or treats a pre-operative pulmonary
-- hypertensive crisis.
-- Parameters: none.
-- Courses: every iNO claim with each course linked to it (codes alone when it links to none); a
-- continuing course takes its initiating course's values for nulls
with

scoped as (
    select * from claims_in_scope
),

final as (
    select
        'INO-II-CDH' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'congenital diaphragmatic hernia (codes: {}; status: {}) outside the bridge-to-repair exception',
            array_to_string(cdh_codes, ', '), coalesce(eff_cdh_status, 'not documented'))
            as message,
        to_json({
            'cdh_codes': cdh_codes, 'cdh_status': eff_cdh_status,
            'surgery_context': eff_surgery_context
        }) as evidence
    from scoped
    where
        (len(cdh_codes) > 0 or eff_cdh_status = 'unrepaired')
        and coalesce(eff_cdh_status, '') <> 'bridge_to_repair'
        and coalesce(eff_surgery_context, '') <> 'cdh_preop_ph_crisis'
)

select * from final
