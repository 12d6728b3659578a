-- INO-DATA-GA-CONFLICT | data consistency (no policy section) | review
-- Flags: the gestational age documented for a course linked to the claim (a continuing course's
-- null: its initiating course's) and any P07.2x or P07.3x code on the claim fall on opposite
-- sides of the 34-week threshold (facts ga_code_weeks_min / ga_code_weeks_max: the weeks the
-- claim's P07.x codes imply).
-- Parameters: min_gestational_weeks.
-- Courses: every course linked to the claim, whatever its role; a continuing course takes its
-- initiating course's value for each null
with

judged_in as (
    select judged.*, params.min_gestational_weeks
    from judged
    cross join params
),

final as (
    select
        'INO-DATA-GA-CONFLICT' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'course documents {} weeks but the claim codes {}', eff_gestational_age_weeks,
            array_to_string(ga_codes, ', ')
        ) as message,
        to_json({
            'gestational_age_weeks': eff_gestational_age_weeks, 'ga_codes': ga_codes,
            'min_gestational_weeks': min_gestational_weeks
        }) as evidence
    from judged_in
    where (
        eff_gestational_age_weeks >= min_gestational_weeks
        and ga_code_weeks_min < min_gestational_weeks
    )
    or (
        eff_gestational_age_weeks < min_gestational_weeks
        and ga_code_weeks_max >= min_gestational_weeks
    )
)

select * from final
