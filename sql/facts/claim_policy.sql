-- Fact: the policy version that judges each iNO claim (contract §7). A map row matches
-- the member's line of business and state (null = any) on the claim's start date (inclusive);
-- the most specific row wins (line of business counts 2, state 1), then the latest
-- effective_from, then the version id. Unmapped claims take the run's version (policy_default).
create or replace table claim_policy as
with

claims as (
    select claim_id, member_id, claim_start_date from ino_claims
),

members_in as (
    select member_id, lower(line_of_business) as line_of_business, upper(state) as state
    from members
),

map_rows as (
    select * from policy_map
),

fallback as (
    select policy_version from policy_default
),

matches as (
    select
        claims.claim_id,
        map_rows.policy_version,
        (map_rows.line_of_business is not null)::integer * 2
        + (map_rows.state is not null)::integer as specificity,
        coalesce(map_rows.effective_from, date '0001-01-01') as effective_from
    from claims
    left join members_in using (member_id)
    inner join map_rows
        on plan_row_matches(
            map_rows.line_of_business, map_rows.state,
            members_in.line_of_business, members_in.state
        )
        and (
            map_rows.effective_from is null
            or claims.claim_start_date >= map_rows.effective_from
        )
        and (map_rows.effective_to is null or claims.claim_start_date <= map_rows.effective_to)
),

best as (
    select
        claim_id,
        arg_max(policy_version, (specificity, effective_from, policy_version)) as policy_version
    from matches
    group by claim_id
),

final as (
    select
        claims.claim_id,
        coalesce(best.policy_version, fallback.policy_version) as policy_version,
        best.policy_version is not null as mapped
    from claims
    left join best using (claim_id)
    cross join fallback
)

select * from final;
