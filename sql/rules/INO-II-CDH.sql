-- INO-II-CDH | policy II, I.A.2.a.ii | deny
-- Flags: congenital diaphragmatic hernia, coded on the claim (value set cdh_dx) or documented
-- as unrepaired, unless iNO bridges to surgical repair or treats a pre-operative pulmonary
-- hypertensive crisis. Those exceptions hold under a policy that grants them
-- (cdh_bridge_exception = 1, as CP.MP.87); under one covering newborns "without CDH"
-- (cdh_bridge_exception = 0) any CDH, coded or documented in any status but none, is excluded.
-- Parameters: cdh_bridge_exception.
-- Courses: every iNO claim with each course linked to it (codes alone when it links to none); a
-- continuing course takes its initiating course's values for nulls
with

scoped as (
    select claims_in_scope.*, params.cdh_bridge_exception
    from claims_in_scope
    cross join params
),

final as (
    select
        'INO-II-CDH' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'congenital diaphragmatic hernia (codes: {}; status: {}) {}',
            array_to_string(cdh_codes, ', '), coalesce(eff_cdh_status, 'not documented'),
            case
                when cdh_bridge_exception = 0 then 'where the policy covers newborns without CDH'
                else 'outside the bridge-to-repair exception'
            end
        ) as message,
        to_json({
            'cdh_codes': cdh_codes, 'cdh_status': eff_cdh_status,
            'surgery_context': eff_surgery_context
        }) as evidence
    from scoped
    where
        case
            when cdh_bridge_exception = 0
                then len(cdh_codes) > 0 or coalesce(eff_cdh_status, 'none') <> 'none'
            else
                (len(cdh_codes) > 0 or eff_cdh_status = 'unrepaired')
                and coalesce(eff_cdh_status, '') <> 'bridge_to_repair'
                and coalesce(eff_surgery_context, '') <> 'cdh_preop_ph_crisis'
        end
)

select * from final
