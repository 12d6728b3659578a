-- Adjustments a claim system loads (docs/contract.md §6): one row per claim with a confirmed
-- overpayment inside the look-back window. Codes come from the reviewed rule that still fires
-- with the worst severity (rules/adjustment_codes.csv); a claim closed as records_not_received
-- takes that disposition's codes. Every post-payment adjustment carries the recovery-audit
-- remark. Letter columns (dates, paid, reason) ride along; adjustments.csv keeps the contract's.
with

status as (
    select * from review_claim_status
),

rule_codes as (
    select * from recovery_rule_codes
),

recoverable as (
    select
        *,
        case
            when disposition = 'records_not_received' then 'records_not_received'
            else primary_rule_id
        end as code_key
    from status
    where recoverable_overpayment > 0
),

final as (
    select
        recoverable.claim_id,
        recoverable.provider_id,
        rule_codes.group_code,
        rule_codes.carc,
        array_to_string(list_concat(rule_codes.rarc_list, [$recovery_remark]), ';') as rarc,
        recoverable.recoverable_overpayment as adjustment_amount,
        'CP.MP.87 ' || recoverable.primary_policy_section as policy_reference,
        recoverable.member_id,
        recoverable.claim_start_date,
        recoverable.claim_end_date,
        recoverable.paid_date,
        recoverable.paid_amount,
        recoverable.disposition,
        recoverable.primary_rule_id,
        rule_codes.plain_reason
    from recoverable
    inner join rule_codes on rule_codes.rule_id = recoverable.code_key
)

select * from final
order by provider_id, claim_id
