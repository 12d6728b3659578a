-- Maximum-dose histogram: courses per 5 ppm bin up to 1.5 times the high-dose threshold;
-- higher doses fall into the last, open bin. Courses without a documented dose are counted apart.
with

courses as (
    select * from courses
),

params as (
    select * from params
),

bounds as (
    select 5.0 as width, ceil(greatest(high_dose_ppm * 1.5, 100) / 5.0) * 5.0 as cap_ppm
    from params
),

binned as (
    select
        least(
            floor(greatest(courses.max_dose_ppm, 0) / bounds.width) * bounds.width,
            bounds.cap_ppm
        ) as bin_start,
        bounds.width,
        bounds.cap_ppm
    from courses
    cross join bounds
    where courses.max_dose_ppm is not null
),

final as (
    select
        bin_start,
        bin_start + width as bin_end,
        bin_start >= cap_ppm as is_open,
        count(*) as courses
    from binned
    group by all
)

select * from final
order by bin_start
