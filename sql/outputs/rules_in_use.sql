-- The rules in use in this audit: those that apply under the run's policy version or under the
-- version of any claim (policy_rule_settings), and any rule with a finding. The report and the
-- workbook list these, so a rule no policy of the run applies is not shown with zero counts.
create or replace table rules_in_use as
with

versions as (
    select policy_version from params
    union
    select policy_version from claim_policy
),

enabled as (
    select rule_id
    from policy_rule_settings
    semi join versions using (policy_version)
    where enabled
),

found as (
    select rule_id from findings
),

final as (
    select rule_id from enabled
    union
    select rule_id from found
)

select * from final;
