-- Sizes of a run of $n claim lines: iNO cases (about 1 % of claims are iNO claims, and at least
-- one case per scenario once the run has 40 lines per scenario) and the member population.
create or replace temp table gen_size as
with
pattern as (
    select avg(len(sizes)) / 12 as claims_per_line
    from claim_pattern
),

catalog as (
    select count(*) as n_scenarios, sum(weight) as total_weight
    from scenario
),

claims_per_case as (
    select sum(s.weight * c.n_claims) / sum(s.weight) as claims_per_case
    from scenario as s
    inner join (
        select scenario, count(*) as n_claims
        from scenario_claim
        group by scenario
    ) as c using (scenario)
),

estimate as (
    select
        catalog.n_scenarios,
        catalog.total_weight,
        $n::bigint * pattern.claims_per_line as approx_claims,
        greatest(
            round(
                $n::bigint * pattern.claims_per_line * 0.01 / claims_per_case.claims_per_case
            ),
            least(catalog.n_scenarios, $n::bigint // 40)
        )::bigint as n_cases
    from pattern, catalog, claims_per_case
)

select
    n_scenarios,
    total_weight,
    n_cases,
    -- members: every iNO case has its own, ordinary members have about 6 claims each
    (n_cases + greatest(n_cases, ceil(approx_claims / 6) + 1))::bigint as n_members
from estimate;
