-- Review and recovery tables (docs/recovery.md). The audit never drops or replaces them: they
-- hold the reviewers' decisions and the records requests, appended to, never rewritten, so a
-- second audit into the same database keeps every decision.
create table if not exists review_decisions (
    decision_id bigint not null,
    claim_id varchar not null,
    reviewed_rule_ids varchar,
    disposition varchar not null,
    reviewed_overpayment decimal(18, 2),
    reviewer varchar not null,
    reviewed_on date,
    note varchar,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_row bigint not null,
    imported_at timestamp not null,
    imported_by varchar,
    audit_run_id varchar,
    previous_decision_id bigint,
    previous_disposition varchar,
    previous_overpayment decimal(18, 2),
    previous_reviewer varchar,
    conflict boolean not null
);

create table if not exists review_imports (
    source_file varchar not null,
    source_sha256 varchar not null,
    imported_at timestamp not null,
    imported_by varchar,
    rows_with_decisions bigint,
    appended bigint,
    unchanged bigint,
    refused bigint
);

create table if not exists review_records_requests (
    request_id varchar not null,
    provider_id varchar,
    claim_id varchar not null,
    rule_ids varchar,
    records_to_request varchar,
    requested_on date not null,
    due_on date not null,
    created_at timestamp not null
);
