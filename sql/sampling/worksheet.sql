-- The reviewers' worksheet (review_worksheet.xlsx, Sample sheet): the drawn claims with what the
-- audit found, and empty columns for the reviewed amounts.
select
    stratum,
    selection_order,
    claim_id,
    paid_amount,
    random_number,
    determination as audit_determination,
    rule_ids as audit_rule_ids,
    null::decimal(18, 2) as audited_amount,
    null::decimal(18, 2) as overpayment,
    null::varchar as reviewer,
    null::date as reviewed_on,
    null::varchar as note
from drawn
order by stratum, selection_order
