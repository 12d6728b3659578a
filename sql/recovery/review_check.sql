-- Check each imported review row (review_staged, all text) against the audit: a refusal reason
-- per failed check, joined by '; ' (empty = accepted). Rows without any decision are skipped.
-- Protected workbook columns are compared with the hidden copy written by the audit
-- (review_written_cells vs review_staged_cells, both long: row, column, value).
-- A row counts when any of its input columns is filled or a protected cell was edited. An empty
-- reviewer is recorded as the user who imports the file ($imported_by).
create or replace temp table review_checked as
with

staged as (
    select * from review_staged
),

determinations as (
    select * from determinations
),

visible_cells as (
    select * from review_staged_cells
),

written_cells as (
    select * from review_written_cells
),

edits as (
    select
        coalesce(visible_cells.source_row, written_cells.source_row) as source_row,
        string_agg(
            distinct coalesce(visible_cells.column_name, written_cells.column_name), ', '
        ) as edited_columns
    from visible_cells
    full join written_cells using (source_row, column_name)
    where visible_cells.value is distinct from written_cells.value
    group by all
),

typed as (
    select
        staged.source_row,
        nullif(trim(staged.claim_id), '') as claim_id,
        lower(nullif(trim(staged.disposition), '')) as disposition,
        nullif(trim(staged.reviewed_overpayment), '') as amount_text,
        try_cast(
            nullif(replace(replace(trim(staged.reviewed_overpayment), '$', ''), ',', ''), '')
            as decimal(18, 2)
        ) as amount,
        nullif(trim(staged.reviewer), '') as reviewer_text,
        coalesce(nullif(trim(staged.reviewer), ''), $imported_by) as reviewer,
        nullif(trim(staged.reviewed_on), '') as reviewed_on_text,
        try_cast(left(nullif(trim(staged.reviewed_on), ''), 10) as date) as reviewed_on,
        nullif(trim(staged.note), '') as note,
        edits.edited_columns
    from staged
    left join edits using (source_row)
),

with_claims as (
    select
        typed.*,
        determinations.claim_id is not null as known_claim,
        determinations.determination,
        nullif(determinations.rule_ids, '') as rule_ids,
        determinations.paid_amount
    from typed
    left join determinations using (claim_id)
    where
        typed.disposition is not null or typed.amount_text is not null
        or typed.reviewer_text is not null or typed.reviewed_on_text is not null
        or typed.note is not null or typed.edited_columns is not null
),

final as (
    select
        *,
        concat_ws(
            '; ',
            case
                when claim_id is null then 'claim_id is empty'
                when not known_claim then 'claim ' || claim_id || ' is not an iNO claim of this audit'
                when rule_ids is null then 'claim ' || claim_id || ' has no finding to review'
            end,
            case
                when disposition is null then 'disposition is empty'
                when disposition not in ('upheld', 'overturned', 'partial', 'records_not_received')
                    then
                        'disposition "' || disposition
                        || '" is not upheld, overturned, partial or records_not_received'
            end,
            case
                when amount_text is not null and amount is null
                    then 'reviewed_overpayment "' || amount_text || '" is not an amount'
                when amount < 0 then 'reviewed_overpayment is negative'
                when amount > paid_amount
                    then
                        'reviewed_overpayment ' || amount || ' is above the paid amount '
                        || paid_amount
                when disposition = 'partial' and amount is null
                    then 'partial needs a reviewed_overpayment'
                when disposition = 'overturned' and amount <> 0
                    then 'overturned means no overpayment: leave reviewed_overpayment empty'
            end,
            case
                when reviewed_on_text is not null and reviewed_on is null
                    then 'reviewed_on "' || reviewed_on_text || '" is not a date (YYYY-MM-DD)'
                when reviewed_on > current_date then 'reviewed_on is in the future'
            end,
            case
                when edited_columns is not null
                    then 'protected column(s) edited: ' || edited_columns
            end
        ) as refusal
    from with_claims
)

select * from final
order by source_row
