-- Fact: courses grouped into episodes (contract §2). A member's courses in start order; a course
-- joins the episode when it starts at most episode_gap_hours after the latest stop so far. The
-- first course initiates, the others continue. Age is taken at episode start, in completed units.
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
