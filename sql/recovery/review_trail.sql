-- The decisions trail written beside the audit as review_decisions.csv after each import:
-- every decision ever recorded, oldest first, with its source and the value it followed.
with

decisions as (
    select * from review_decisions
),

final as (
    select
        decision_id,
        claim_id,
        reviewed_rule_ids,
        disposition,
        reviewed_overpayment,
        reviewer,
        reviewed_on,
        note,
        source_file,
        source_sha256,
        source_row,
        imported_at,
        imported_by,
        audit_run_id,
        previous_decision_id,
        previous_disposition,
        previous_overpayment,
        previous_reviewer,
        conflict
    from decisions
)

select * from final
order by decision_id
