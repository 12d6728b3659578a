"""`ino-audit records-requests`: a records request per provider, letters and a tracking table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ino_audit.infra import safe_io
from ino_audit.infra.db import transaction
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs.reports import register_checklist
from ino_audit.recovery import letters
from ino_audit.recovery.recover import member_masker, rows

TEMPLATE = letters.TEMPLATES / "records_request.html.j2"
TRACKING_COLUMNS = (
    "request_id, provider_id, claim_id, claim_start_date, claim_end_date, rule_ids, "
    "records_to_request, requested_on, due_on, status"
)
LETTER_STATUSES = ("open", "overdue")
LETTERS = "request_letters"  # apart from recover's letters/ if both share one folder


@dataclass
class RequestsResult:
    """What records-requests did: new requests, open ones, letters by provider."""

    out: Path
    issued: int = 0
    open: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    letters: dict[str, Path] = field(default_factory=dict)


def issue(con: duckdb.DuckDBPyConnection, as_of: dt.date, due_days: int) -> int:
    """Record a request for every open claim needing records that has none; return how many."""
    register_checklist(con)
    with transaction(con):
        before = con.execute("select count(*) from review_records_requests").fetchall()[0][0]
        con.execute(
            read_sql("recovery/records_issue.sql"),
            {
                "as_of": as_of,
                "due_days": due_days,
                "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            },
        )
        after = con.execute("select count(*) from review_records_requests").fetchall()[0][0]
    return after - before


def write_letters(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    plan: dict,
    as_of: dt.date,
    template: Path,
    mask_members: bool,
) -> dict[str, Path]:
    """Render one request letter per provider with open or overdue requests."""
    shown = member_masker(con, mask_members)
    run_id = con.execute("select any_value(run_id) from params").fetchall()[0][0]
    tracked = rows(con, "select * from records_tracking where status in ('open', 'overdue')")
    written = {}
    for provider_id in sorted({r["provider_id"] or "" for r in tracked}):
        requests = [r for r in tracked if (r["provider_id"] or "") == provider_id]
        for r in requests:
            r["member_id"] = shown(r["member_id"])
        context = {
            "plan": plan,
            "provider_id": provider_id or "unknown",
            "reference": f"RR-{letters.safe_name(provider_id)}-{as_of:%Y%m%d}",
            "letter_date": as_of,
            "due_date": min(r["due_on"] for r in requests),
            "requests": requests,
            "run_id": run_id,
        }
        path = out / LETTERS / f"records-request-{letters.safe_name(provider_id)}.pdf"
        written[provider_id] = letters.render_pdf(template, context, path)
    return written


def records_requests(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    as_of: dt.date,
    due_days: int,
    plan_config: Path | None = None,
    template: Path | None = None,
    mask_members: bool = False,
) -> RequestsResult:
    """Issue new requests, write records_requests.csv and the letters of open requests."""
    plan = letters.load_plan(plan_config)
    result = RequestsResult(out, issue(con, as_of, due_days))
    con.execute(
        "create or replace temp view records_tracking as "
        + read_sql("recovery/records_tracking.sql")
    )
    safe_io.ensure_dir(out)
    tracking = f"select {TRACKING_COLUMNS} from records_tracking"
    safe_io.write_csv(con, tracking, out / "records_requests.csv")
    result.by_status = dict(
        con.execute("select status, count(*) from records_tracking group by status").fetchall()
    )
    result.open = sum(result.by_status.get(s, 0) for s in LETTER_STATUSES)
    result.letters = write_letters(con, out, plan, as_of, template or TEMPLATE, mask_members)
    return result
