-- The drawn sample: in each stratum the frame claims whose rank is within the stratum's sample
-- size (table `drawn`, read by sample.csv and the reviewers' worksheet).
create or replace table drawn as
with

frame as (
    select * from frame
),

sizes as (
    select * from sample_sizes
),

final as (
    select frame.*
    from frame
    inner join sizes using (stratum)
    where frame.selection_order <= sizes.sample_size
)

select * from final
order by stratum, selection_order;
