-- INO-IB-NEED | policy I.B.1.a-b | deny
-- Flags: a continuing course of a claim judged by continuation (linked to no initiating course)
-- with an oxygen requirement below the continuation threshold and no weaning protocol started.
-- Parameters: continuation_min_fio2.
-- Courses: the continuing courses of a claim linked to continuing courses only (I.B)
with

continuing as (
    select judged.*, params.continuation_min_fio2
    from judged
    cross join params
    where criteria = 'continuation'
),

final as (
    select
        'INO-IB-NEED' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'continued at FiO2 {} (below {}) with no weaning protocol', fio2_current,
            continuation_min_fio2
        ) as message,
        to_json({
            'fio2_current': fio2_current, 'weaning_started_at': weaning_started_at,
            'continuation_min_fio2': continuation_min_fio2
        }) as evidence
    from continuing
    where fio2_current < continuation_min_fio2 and weaning_started_at is null
)

select * from final
