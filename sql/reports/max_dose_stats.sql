-- Maximum-dose summary: courses with and without a documented dose, and those above the
-- policy's outlier and high-dose thresholds.
with

courses as (
    select * from courses
),

params as (
    select * from params
),

final as (
    select
        count(*) as courses,
        count(courses.max_dose_ppm) as documented,
        median(courses.max_dose_ppm) as median_ppm,
        count(*) filter (where courses.max_dose_ppm > params.outlier_dose_ppm) as over_outlier,
        count(*) filter (where courses.max_dose_ppm > params.high_dose_ppm) as over_high
    from courses
    cross join params
)

select * from final
