-- Adjustments a claim system loads (docs/contract.md §6): one row per claim with a confirmed
-- overpayment inside the look-back window. Codes come from the reviewed rule that still fires
-- with the worst severity (rules/adjustment_codes.csv), or, when its finding carries a policy
-- file's denial tag, from the tag's row (investigational: CARC 55; not medically necessary:
-- CARC 50); a claim closed as records_not_received takes that disposition's codes. The policy
-- reference names the number of the policy that judged the claim (recovery_policy_numbers). Every post-payment adjustment carries the recovery-audit
-- remark. Letter columns (dates, paid, reason) ride along; adjustments.csv keeps the contract's.
with

status as (
    select * from review_claim_status
),

rule_codes as (
    select * from recovery_rule_codes
),

policy_numbers as (
    select * from recovery_policy_numbers
),

recoverable as (
    select
        *,
        case
            when disposition = 'records_not_received' then 'records_not_received'
            when primary_tag is not null then primary_tag
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
        coalesce(policy_numbers.policy_number, 'CP.MP.87') || ' '
        || recoverable.primary_policy_section as policy_reference,
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
    left join policy_numbers on policy_numbers.policy_version = recoverable.primary_policy_version
)

select * from final
order by provider_id, claim_id
