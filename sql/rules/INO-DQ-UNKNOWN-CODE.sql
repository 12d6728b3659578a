-- INO-DQ-UNKNOWN-CODE | data quality (no policy section) | info
-- Flags: an iNO claim carrying a diagnosis code absent from ICD-10-CM (codes the policy names,
-- such as WHO's U07.2, count as known) or a procedure code that is not a well-formed
-- ICD-10-PCS code. The row is kept; rules ignore the code. Parameters: none.
-- Courses: none: the claim's codes alone
with

unknown as (
    select
        claim_id,
        list(code order by code) filter (where code_system = 'ICD-10-CM') as unknown_dx,
        list(code order by code) filter (where code_system = 'ICD-10-PCS') as unknown_px
    from claim_codes
    where not is_known
    group by claim_id
),

final as (
    select
        'INO-DQ-UNKNOWN-CODE' as rule_id,
        claim_id,
        null as encounter_id,
        null as episode_id,
        null::timestamp as sort_ts,
        format('unknown code(s): {}', array_to_string(
            list_concat(coalesce(unknown_dx, []), coalesce(unknown_px, [])), ', '
        )) as message,
        to_json({ 'unknown_diagnosis_codes': unknown_dx, 'unknown_procedure_codes': unknown_px })
            as evidence
    from unknown
)

select * from final
