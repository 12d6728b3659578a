-- Append the accepted review rows to review_decisions. A row identical to a decision already
-- recorded for the claim (same disposition, amount, reviewer, date and note) changes nothing,
-- so importing a file again is a no-op. `previous_*` is the claim's decision just before in
-- append order; a different outcome from another reviewer (not a reopening after
-- records_not_received) is a conflict: kept, flagged and reported.
insert into review_decisions
with

accepted as (
    select * from review_checked where refusal = ''
),

existing as (
    select * from review_decisions
),

runs as (
    select any_value(run_id) as run_id from params
),

fresh as (
    select distinct on (claim_id, disposition, amount, reviewer, reviewed_on, note) *
    from accepted
    where
        not exists (
            select 1
            from existing
            where
                existing.claim_id = accepted.claim_id
                and existing.disposition = accepted.disposition
                and existing.reviewed_overpayment is not distinct from accepted.amount
                and existing.reviewer = accepted.reviewer
                and existing.reviewed_on is not distinct from accepted.reviewed_on
                and existing.note is not distinct from accepted.note
        )
    order by claim_id, disposition, amount, reviewer, reviewed_on, note, source_row
),

numbered as (
    select
        fresh.*,
        coalesce((select max(decision_id) from existing), 0)
        + row_number() over (order by fresh.source_row) as decision_id
    from fresh
),

history as (
    select
        decision_id, claim_id, disposition, reviewed_overpayment as amount, reviewer,
        false as is_new
    from existing
    semi join numbered using (claim_id)
    union all
    select decision_id, claim_id, disposition, amount, reviewer, true as is_new
    from numbered
),

chained as (
    select
        *,
        lag(decision_id) over claim_order as previous_decision_id,
        lag(disposition) over claim_order as previous_disposition,
        lag(amount) over claim_order as previous_overpayment,
        lag(reviewer) over claim_order as previous_reviewer
    from history
    window claim_order as (partition by claim_id order by decision_id)
),

final as (
    select
        numbered.decision_id,
        numbered.claim_id,
        numbered.rule_ids as reviewed_rule_ids,
        numbered.disposition,
        numbered.amount as reviewed_overpayment,
        numbered.reviewer,
        numbered.reviewed_on,
        numbered.note,
        $source_file as source_file,
        $source_sha256 as source_sha256,
        numbered.source_row,
        $imported_at::timestamp as imported_at,
        $imported_by as imported_by,
        (select run_id from runs) as audit_run_id,
        chained.previous_decision_id,
        chained.previous_disposition,
        chained.previous_overpayment,
        chained.previous_reviewer,
        coalesce(
            chained.previous_decision_id is not null
            and chained.previous_disposition <> 'records_not_received'
            and chained.previous_reviewer <> numbered.reviewer
            and (
                chained.previous_disposition <> numbered.disposition
                or chained.previous_overpayment is distinct from numbered.amount
            ),
            false
        ) as conflict
    from numbered
    inner join chained on chained.decision_id = numbered.decision_id and chained.is_new
)

select * from final
order by decision_id
