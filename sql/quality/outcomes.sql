-- One row per suite: rows validated, expectations evaluated and failed (from the stored GX
-- result), rows quarantined by a blocking expectation, and data-quality warnings.
with

results as (
    select
        suite,
        "rows",  -- noqa: RF06
        (result ->> '$.statistics.evaluated_expectations')::bigint as expectations,
        (result ->> '$.statistics.unsuccessful_expectations')::bigint as failed_expectations
    from validation_results
),

quarantined as (
    select source as suite, count(*) as n
    from quarantine
    where expectation is not null
    group by all
),

warned as (
    select source as suite, count(*) as n
    from dq_findings
    group by all
),

final as (
    select
        results.suite,
        results."rows",  -- noqa: RF06
        results.expectations,
        results.failed_expectations,
        coalesce(quarantined.n, 0) as quarantined_rows,
        coalesce(warned.n, 0) as dq_findings
    from results
    left join quarantined using (suite)
    left join warned using (suite)
)

select * from final
order by case suite when 'claims' then 1 when 'encounters' then 2 else 3 end
