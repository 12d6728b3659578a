-- Review status of every claim that needed review (or has a decision): its current decision,
-- whether the finding the reviewer judged still fires, the confirmed overpayment, and whether
-- the claim was paid inside the recovery look-back window (rules/recovery_lookback.csv) on the
-- as-of date of `recovery_params`. Every dollar figure of review and recovery reads this view.
-- The primary finding (worst severity under the claim's policy, then depth, then id) gives the
-- section cited, the policy version and the denial tag its evidence carries (a policy file's
-- investigational or not-medically-necessary list), which choose the adjustment codes. An
-- upheld denial with no amount confirms the claim's amount at risk: its paid amount, or only
-- the lines beyond a policy's maximum duration (INO-POL-MAX-DAYS).
create or replace temp view review_claim_status as
with

determinations as (
    select * from determinations
),

claims as (
    select * from ino_claims
),

claim_providers as (
    select * from claim_providers
),

members as (
    select * from members
),

decisions as (
    select * from review_decisions
),

registry as (
    select * from rules_registry
),

claim_findings as (
    select
        claim_id,
        rule_id,
        severity,
        policy_section,
        evidence ->> 'tag' as tag,
        evidence ->> 'policy_version' as policy_version
    from findings
    where claim_id is not null
),

severities as (
    select * from severities
),

lookback as (
    select * from recovery_lookback
),

params as (
    select * from recovery_params
),

providers as (
    select claim_id, min(provider_id) as provider_id
    from claim_providers
    group by claim_id
),

current_decisions as (
    select
        *,
        count(*) over (partition by claim_id) as decision_count,
        bool_or(conflict) over (partition by claim_id) as ever_conflicted
    from decisions
    qualify row_number() over (
        partition by claim_id
        order by coalesce(reviewed_on, imported_at::date) desc, decision_id desc
    ) = 1
),

in_scope as (
    select claim_id from determinations where determination <> 'supported'
    union
    select claim_id from decisions
),

-- Only the members of the claims in scope: the plan of every member of the extract is not
-- needed and costs most of the view on a large one.
scoped_members as (
    select distinct claims.member_id
    from claims
    semi join in_scope using (claim_id)
),

member_plans as (
    select
        member_id,
        first(line_of_business order by source_file_index, source_row) as line_of_business,
        first(state order by source_file_index, source_row) as state
    from members
    semi join scoped_members using (member_id)
    group by member_id
),

windows as (
    select
        claims.claim_id,
        lookback.months as lookback_months,
        (params.as_of - to_months(lookback.months))::date as lookback_opens
    from claims
    semi join in_scope using (claim_id)
    cross join params
    left join member_plans using (member_id)
    -- inline, not the plan_row_matches macro: recovery also runs on audit databases written
    -- before that macro existed
    inner join lookback
        on (
            lookback.line_of_business is null
            or lookback.line_of_business = member_plans.line_of_business
        )
        and (lookback.state is null or lookback.state = member_plans.state)
    qualify row_number() over (
        partition by claims.claim_id
        order by
            2 * (lookback.state is not null)::int + (lookback.line_of_business is not null)::int
            desc,
            lookback.months
    ) = 1
),

reviewed_rules as (
    select
        current_decisions.claim_id,
        unnest(string_split(current_decisions.reviewed_rule_ids, ';')) as rule_id
    from current_decisions
),

still_firing as (
    select
        reviewed_rules.claim_id,
        reviewed_rules.rule_id,
        severities.rank,
        registry.depth,
        coalesce(claim_findings.policy_section, registry.policy_section) as policy_section,
        claim_findings.tag,
        claim_findings.policy_version
    from reviewed_rules
    inner join determinations using (claim_id)
    inner join registry using (rule_id)
    left join claim_findings using (claim_id, rule_id)
    inner join severities
        on severities.severity = coalesce(claim_findings.severity, registry.severity)
    where list_contains(string_split(determinations.rule_ids, ';'), reviewed_rules.rule_id)
),

primary_rules as (
    select
        claim_id,
        count(*) as firing_rules,
        first(rule_id order by rank desc, depth, rule_id) as primary_rule_id,
        first(policy_section order by rank desc, depth, rule_id) as primary_policy_section,
        first(tag order by rank desc, depth, rule_id) as primary_tag,
        first(policy_version order by rank desc, depth, rule_id) as primary_policy_version
    from still_firing
    group by claim_id
),

joined as (
    select
        in_scope.claim_id,
        providers.provider_id,
        claims.member_id,
        claims.claim_start_date,
        claims.claim_end_date,
        claims.paid_date,
        coalesce(claims.paid_amount, 0)::decimal(18, 2) as paid_amount,
        coalesce(determinations.determination, 'not_audited') as determination,
        nullif(determinations.rule_ids, '') as rule_ids,
        coalesce(determinations.amount_at_risk, 0)::decimal(18, 2) as amount_at_risk,
        windows.lookback_months,
        windows.lookback_opens,
        case
            when claims.paid_date is null then 'paid_date_unknown'
            when claims.paid_date < windows.lookback_opens then 'outside_lookback'
            else 'inside'
        end as lookback_status,
        current_decisions.decision_id,
        current_decisions.disposition,
        current_decisions.reviewed_overpayment,
        current_decisions.reviewer,
        current_decisions.reviewed_on,
        current_decisions.note,
        current_decisions.reviewed_rule_ids,
        coalesce(current_decisions.decision_count, 0) as decision_count,
        coalesce(current_decisions.ever_conflicted, false) as conflict,
        primary_rules.primary_rule_id,
        primary_rules.primary_policy_section,
        primary_rules.primary_tag,
        primary_rules.primary_policy_version
    from in_scope
    left join claims using (claim_id)
    left join determinations using (claim_id)
    left join providers using (claim_id)
    left join windows using (claim_id)
    left join current_decisions using (claim_id)
    left join primary_rules using (claim_id)
),

judged as (
    select
        *,
        case
            when decision_id is null then 'open'
            when primary_rule_id is null then 'finding_gone'
            else 'reviewed'
        end as review_status,
        case
            when decision_id is null or primary_rule_id is null then null
            when disposition = 'overturned' then 0
            when disposition = 'partial' then reviewed_overpayment
            when disposition = 'upheld' and determination = 'not_supported'
                then coalesce(reviewed_overpayment, amount_at_risk)
            else coalesce(reviewed_overpayment, paid_amount)
        end::decimal(18, 2) as confirmed_overpayment
    from joined
),

final as (
    select
        *,
        case
            when lookback_status = 'inside' then coalesce(confirmed_overpayment, 0)
            else 0
        end::decimal(18, 2) as recoverable_overpayment,
        case
            when review_status = 'open' and lookback_status = 'inside' then amount_at_risk
            else 0
        end::decimal(18, 2) as open_at_risk
    from judged
)

select * from final
