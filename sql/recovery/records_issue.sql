-- Issue records requests (docs/recovery.md): every open claim with a records finding
-- (INO-DOC-*), paid inside its look-back window, that has no request yet gets one, addressed to its provider, listing what the
-- record must show: one line per missing field named by INO-DOC-INCOMPLETE's evidence and the
-- records checklist line of each other deny or records finding. Claims already requested keep
-- their request and due date, so issuing again changes nothing.
insert into review_records_requests
with

status as (
    select * from review_claim_status
),

findings as (
    select * from findings
),

checklist as (
    select * from report_records_checklist
),

requested as (
    select * from review_records_requests
),

needing as (
    select status.claim_id, status.provider_id, status.rule_ids
    from status
    where
        status.review_status = 'open' and status.lookback_status = 'inside'
        and exists (
            select 1
            from findings
            where findings.claim_id = status.claim_id and findings.severity = 'records'
        )
        and not exists (select 1 from requested where requested.claim_id = status.claim_id)
),

missing_fields as (
    select
        findings.claim_id,
        findings.rule_id,
        unnest(json_extract_string(findings.evidence, '$.missing_fields[*]')) as field_name
    from findings
    semi join needing using (claim_id)
    where findings.rule_id = 'INO-DOC-INCOMPLETE'
),

items as (
    select claim_id, 0 as item_order, 'Record documenting ' || replace(field_name, '_', ' ') as item
    from missing_fields
    union all
    select findings.claim_id, 1 as item_order, checklist.request as item
    from findings
    semi join needing using (claim_id)
    inner join checklist using (rule_id)
    where findings.severity in ('deny', 'records') and findings.rule_id <> 'INO-DOC-INCOMPLETE'
),

lists as (
    select claim_id, string_agg(distinct item, chr(10) order by item) as records_to_request
    from items
    group by claim_id
),

final as (
    select
        'RR-' || coalesce(needing.provider_id, 'unknown') || '-' || strftime($as_of::date, '%Y%m%d')
            as request_id,
        needing.provider_id,
        needing.claim_id,
        needing.rule_ids,
        coalesce(lists.records_to_request, 'The complete iNO administration record')
            as records_to_request,
        $as_of::date as requested_on,
        ($as_of::date + $due_days::integer) as due_on,
        $created_at::timestamp as created_at
    from needing
    left join lists using (claim_id)
)

select * from final
order by provider_id, claim_id
