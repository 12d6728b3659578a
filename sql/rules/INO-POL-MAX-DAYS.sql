-- INO-POL-MAX-DAYS | policy file ([duration] max_days) | deny
-- Flags: a claim linked to an episode that lasted more than the policy's maximum (max_days x 24
-- hours), when some of its lines are dated in the days beyond the maximum while iNO was still
-- given: from the date the maximum ran out (episode start + max_days) to the date iNO stopped.
-- Only those lines are at risk: a line wholly inside that span in full, a line that straddles
-- it prorated by its days inside (paid x days beyond / days of the line, to the cent); earlier
-- lines, and lines after iNO stopped, are not. The evidence lists the lines and their amounts,
-- and its amount_at_risk is what the determination puts at risk (outputs/determinations.sql).
-- The finding cites the section of [duration] when the file gives one. Applies only under a
-- policy that enables it.
-- Parameters: max_days, duration_section.
-- Courses: the episode of every course linked to the claim; the claim's lines and their dates
with

windows as (
    select
        claim_episodes.claim_id,
        claim_episodes.episode_id,
        claim_episodes.episode_start,
        claim_episodes.episode_stop,
        claim_episodes.duration_hours,
        params.max_days,
        params.duration_section,
        (claim_episodes.episode_start + to_seconds(params.max_days * 86400))::date
            as first_day_beyond,
        claim_episodes.episode_stop::date as last_day_of_ino
    from claim_episodes
    cross join params
    where claim_episodes.duration_hours > params.max_days * 24
),

lines as (
    select
        claim_id,
        claim_line_number,
        coalesce(claim_line_start_date, claim_start_date) as line_start,
        greatest(
            coalesce(claim_line_end_date, claim_end_date),
            coalesce(claim_line_start_date, claim_start_date)
        ) as line_end,
        coalesce(paid_amount, 0)::decimal(18, 2) as paid
    from claim_lines
    semi join windows using (claim_id)
),

line_windows as (
    select
        lines.*,
        windows.episode_id,
        greatest(
            0,
            date_diff(
                'day',
                greatest(lines.line_start, windows.first_day_beyond),
                least(lines.line_end, windows.last_day_of_ino)
            ) + 1
        ) as days_beyond,
        date_diff('day', lines.line_start, lines.line_end) + 1 as line_days
    from lines
    inner join windows using (claim_id)
),

per_line as (
    select
        claim_id,
        claim_line_number,
        line_start,
        line_end,
        paid,
        line_days,
        max(days_beyond) as days_beyond
    from line_windows
    group by all
    having max(days_beyond) > 0
),

priced as (
    select
        *,
        round(paid * days_beyond / line_days, 2)::decimal(18, 2) as amount
    from per_line
),

per_claim as (
    select
        claim_id,
        list(
            {
                'claim_line_number': claim_line_number, 'service_from': line_start,
                'service_to': line_end, 'paid_amount': paid, 'days_beyond': days_beyond,
                'line_days': line_days, 'amount_at_risk': amount
            }
            order by claim_line_number
        ) as lines_beyond,
        sum(amount)::decimal(18, 2) as amount_at_risk
    from priced
    group by claim_id
),

first_window as (
    select
        claim_id,
        arg_min(
            {
                'episode_id': episode_id, 'episode_start': episode_start,
                'episode_stop': episode_stop, 'duration_hours': duration_hours,
                'max_days': max_days, 'first_day_beyond': first_day_beyond,
                'last_day_of_ino': last_day_of_ino, 'policy_section': duration_section
            },
            episode_start
        ) as w
    from windows
    group by claim_id
),

final as (
    select
        'INO-POL-MAX-DAYS' as rule_id,
        per_claim.claim_id,
        null as encounter_id,
        first_window.w.episode_id as episode_id,
        first_window.w.episode_start as sort_ts,
        format(
            'episode lasted {} days, over the maximum of {} days: {} line(s) dated from {} are at risk ({})',
            round(first_window.w.duration_hours / 24, 2), first_window.w.max_days,
            len(per_claim.lines_beyond), first_window.w.first_day_beyond,
            per_claim.amount_at_risk
        ) as message,
        to_json({
            'max_days': first_window.w.max_days,
            'episode_hours': first_window.w.duration_hours,
            'episode_start': first_window.w.episode_start,
            'episode_stop': first_window.w.episode_stop,
            'first_day_beyond': first_window.w.first_day_beyond,
            'last_day_of_ino': first_window.w.last_day_of_ino,
            'lines_beyond': per_claim.lines_beyond,
            'amount_at_risk': per_claim.amount_at_risk,
            'at_risk_basis': 'only the lines dated beyond the maximum (a straddling line prorated by days); the rest of the claim is not at risk',
            'policy_section': first_window.w.policy_section
        }) as evidence
    from per_claim
    inner join first_window using (claim_id)
)

select * from final
