-- INO-DOC-MISSING | policy I | records
-- Flags: an iNO claim linked to no encounter: no clinical course was abstracted for it, so
-- none of the criteria can be checked without the medical record.
-- Parameters: none.
-- Courses: none: iNO claims linked to no course
with

unlinked as (
    select ino_claims.*
    from ino_claims
    anti join claim_links using (claim_id)
),

final as (
    select
        'INO-DOC-MISSING' as rule_id,
        claim_id,
        null as encounter_id,
        null as episode_id,
        null::timestamp as sort_ts,
        format('no iNO course matches this claim ({} to {})', claim_start_date, claim_end_date)
            as message,
        to_json({ 'claim_start_date': claim_start_date, 'claim_end_date': claim_end_date })
            as evidence
    from unlinked
)

select * from final
