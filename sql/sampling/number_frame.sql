-- Sampling frame (contract §5): every universe claim with its stratum, its random number and its
-- rank in the stratum. The random number is the first 13 hex digits (52 bits) of
-- sha256('<seed>:<claim_id>') over 2^52, uniform on [0, 1) and the same on any machine; a claim's
-- rank orders its stratum by random number (ties by claim id). Parameter: $seed (text).
create or replace table frame as
with

universe as (
    select * from universe
),

strata as (
    select * from strata_arrow
),

numbered as (
    select
        universe.claim_id,
        strata.stratum,
        universe.paid_amount,
        universe.determination,
        universe.rule_ids,
        ('0x' || left(sha256($seed || ':' || universe.claim_id), 13))::bigint
        / 4503599627370496.0 as random_number
    from universe
    inner join strata using (claim_id)
),

final as (
    select
        *,
        row_number() over (
            partition by stratum order by random_number, claim_id
        ) as selection_order
    from numbered
)

select * from final;
