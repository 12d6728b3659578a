-- Fact: one row per episode (contract §2): the member's courses joined by the gap rule
-- (courses.sql), with its start, stop, duration, the initiating course and the member's age
-- at its start.
create or replace table episodes as
with

courses_in as (
    select * from courses
),

spans as (
    select
        episode_id,
        min(member_id) as member_id,
        min(ino_start) as episode_start,
        max(ino_stop) as episode_stop,
        count(*) as course_count,
        bool_or(medical_director_review_date is not null) as has_review,
        min(medical_director_review_date) as first_review_date,
        any_value(encounter_id) filter (where is_initiating) as initiating_encounter_id
    from courses_in
    group by episode_id
),

final as (
    select
        spans.*,
        round((epoch(episode_stop) - epoch(episode_start)) / 3600.0, 4) as duration_hours,
        members.birth_date,
        members.member_id is not null as member_found,
        date_sub('day', members.birth_date, spans.episode_start::date) as age_days,
        date_sub('year', members.birth_date, spans.episode_start::date) as age_years
    from spans
    left join members on members.member_id = spans.member_id
)

select
    final.*,
    final.age_years is not null as age_known,
    final.age_days <= params.newborn_max_days as is_newborn,
    final.age_years < params.infant_max_years as is_infant,
    final.age_years >= params.adult_min_years as is_adult
from final
cross join params;
