-- Derived fact: episodes (contract §2). A member's courses in start order; a course joins the
-- episode when it starts at most episode_gap_hours after the latest stop so far. The first
-- course initiates, the others continue. Age is taken at episode start, in completed units.
create or replace table courses as
with

encounters_in as (
    select * from encounters
),

ordered as (
    select
        *,
        max(ino_stop) over (
            partition by member_id
            order by ino_start, encounter_id
            rows between unbounded preceding and 1 preceding
        ) as latest_prior_stop
    from encounters_in
),

opened as (
    select
        ordered.*,
        case
            when latest_prior_stop is null then 1
            when epoch(ino_start) - epoch(latest_prior_stop) > params.episode_gap_hours * 3600 then 1
            else 0
        end as opens_episode
    from ordered
    cross join params
),

numbered as (
    select
        *,
        sum(opens_episode) over (
            partition by member_id order by ino_start, encounter_id rows unbounded preceding
        ) as episode_seq
    from opened
),

final as (
    select
        * exclude (latest_prior_stop, opens_episode, episode_seq),
        'EP-' || first_value(encounter_id) over episode as episode_id,
        row_number() over episode as course_seq,
        row_number() over episode = 1 as is_initiating
    from numbered
    window episode as (partition by member_id, episode_seq order by ino_start, encounter_id)
)

select * from final;

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
