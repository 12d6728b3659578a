-- Quarantined rows by source and reason (a row with several issues counts under each reason).
-- Counts only: no member id or other row content is shown.
with

quarantine as (
    select * from quarantine
),

reasons as (
    select source, trim(unnest(string_split(reason, '; '))) as reason
    from quarantine
),

final as (
    select source, reason, count(*) as "rows"  -- noqa: RF06
    from reasons
    group by all
)

select * from final
order by source, "rows" desc, reason  -- noqa: RF06
