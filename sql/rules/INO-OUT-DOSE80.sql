-- INO-OUT-DOSE80 | policy Treatment Regimen | outlier
-- Flags: every claim linked to a course whose highest dose is above the highest dose studied.
-- Parameters: high_dose_ppm.
-- Courses: every course linked to the claim
with

linked_courses as (
    select claim_links.claim_id, courses.*, params.high_dose_ppm as limit_ppm
    from claim_links
    inner join courses using (encounter_id)
    cross join params
),

final as (
    select
        'INO-OUT-DOSE80' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format('highest dose {} ppm exceeds {} ppm', max_dose_ppm, limit_ppm) as message,
        to_json({ 'max_dose_ppm': max_dose_ppm, 'limit_ppm': limit_ppm }) as evidence
    from linked_courses
    where max_dose_ppm > limit_ppm
)

select * from final
