-- The reviewers' worksheet (review_worksheet.xlsx, Sample sheet): the drawn claims with what the
-- audit found, and empty columns for the reviewed amounts.
with

frame as (
    select * from frame
),

sizes as (
    select * from sample_sizes
),

final as (
    select
        frame.stratum,
        frame.selection_order,
        frame.claim_id,
        frame.paid_amount,
        frame.random_number,
        frame.determination as audit_determination,
        frame.rule_ids as audit_rule_ids,
        null::decimal(18, 2) as audited_amount,
        null::decimal(18, 2) as overpayment,
        null::varchar as reviewer,
        null::date as reviewed_on,
        null::varchar as note
    from frame
    inner join sizes using (stratum)
    where frame.selection_order <= sizes.sample_size
)

select * from final
order by stratum, selection_order
