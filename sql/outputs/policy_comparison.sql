-- Claims whose determination changes between two policy versions, with the dollar effect
-- (amount at risk under the other version minus under the base version).
create or replace table policy_comparison as
with

base as (
    select * from determinations_base
),

other as (
    select * from determinations_other
),

joined as (
    select
        base.claim_id,
        base.determination as base_determination,
        other.determination as other_determination,
        base.rule_ids as base_rule_ids,
        other.rule_ids as other_rule_ids,
        base.paid_amount,
        base.amount_at_risk as base_amount_at_risk,
        other.amount_at_risk as other_amount_at_risk,
        other.amount_at_risk - base.amount_at_risk as dollar_effect
    from base
    inner join other using (claim_id)
)

select * from joined
where base_determination <> other_determination or base_rule_ids <> other_rule_ids
order by abs(dollar_effect) desc, claim_id;
