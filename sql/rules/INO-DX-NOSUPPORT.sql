-- INO-DX-NOSUPPORT | policy Coding Implications | review
-- Flags: an iNO claim none of whose diagnoses is in the policy's list of supporting ICD-10-CM
-- codes (value set supporting_dx, ranges expanded against the real code set).
-- Parameters: none.
-- Courses: none: the claim's diagnosis codes alone
with

flags as (
    select * from claim_code_flags
),

final as (
    select
        'INO-DX-NOSUPPORT' as rule_id,
        claim_id,
        null as encounter_id,
        null as episode_id,
        null::timestamp as sort_ts,
        format(
            'no supporting diagnosis among {}',
            coalesce(nullif(array_to_string(dx_codes, ', '), ''), 'no valid diagnosis codes'))
            as message,
        to_json({ 'dx_codes': dx_codes }) as evidence
    from flags
    where not has_supporting_dx
)

select * from final
