-- The drawn sample (contract §5 sample.csv): in each stratum the claims whose rank is within the
-- stratum's sample size, in stratum and selection order.
with

frame as (
    select * from frame
),

sizes as (
    select * from sample_sizes
),

final as (
    select
        frame.claim_id,
        frame.stratum,
        frame.paid_amount,
        frame.random_number,
        frame.selection_order
    from frame
    inner join sizes using (stratum)
    where frame.selection_order <= sizes.sample_size
)

select * from final
order by stratum, selection_order
