"""Prefect flows after the audit: records requests, then review import, adjustments and letters.

Thin over `ino_audit.recovery`: each task opens the audit folder's database, does one step and
closes it, exactly as the CLI commands do (`ino-audit records-requests`, `review import`,
`recover`), so every step also runs alone. `request_records` follows an audit (or chain it with
`audit_then_request_records`); `recover_overpayments` follows the reviewers' import.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.audit_claims import audit_claims
from ino_audit.outputs.review_store import open_audit
from ino_audit.recovery.recover import recover
from ino_audit.recovery.requests import records_requests
from ino_audit.recovery.review import export_trail, import_decisions


@task(cache_policy=NO_CACHE, name="issue-records-requests")
def issue_records_requests(audit_dir: str, out: str, due_days: int, as_of: date) -> dict[str, int]:
    """Issue records requests and write their letters and tracking table."""
    with open_audit(Path(audit_dir), as_of) as con:
        result = records_requests(con, Path(out), as_of, due_days)
    get_run_logger().info("%d new records requests, %d letters", result.issued, len(result.letters))
    return {"issued": result.issued, "open": result.open, "letters": len(result.letters)}


@task(cache_policy=NO_CACHE, name="import-review-decisions")
def import_review_decisions(audit_dir: str, review_file: str) -> dict[str, int]:
    """Append the reviewers' decisions from a filled cases.xlsx or review CSV."""
    with open_audit(Path(audit_dir)) as con:
        result = import_decisions(con, Path(review_file))
        export_trail(con, Path(audit_dir))
    get_run_logger().info(
        "%d decisions recorded, %d unchanged, %d refused",
        result.appended,
        result.unchanged,
        len(result.refused),
    )
    return {
        "appended": result.appended,
        "unchanged": result.unchanged,
        "refused": len(result.refused),
        "conflicts": len(result.conflicts),
    }


@task(cache_policy=NO_CACHE, name="write-adjustments-and-letters")
def write_adjustments(audit_dir: str, out: str, as_of: date) -> dict[str, Any]:
    """Write adjustments.csv/.parquet and the providers' overpayment letters."""
    with open_audit(Path(audit_dir), as_of) as con:
        result = recover(con, Path(out), as_of)
    create_table_artifact(
        [
            {"provider_id": p, "letter": path.name, "total": f"{total:.2f}"}
            for p, (path, total) in sorted(result.letters.items())
        ],
        key="ino-audit-recovery-letters",
        description="Overpayment letters by provider",
    )
    return {"adjustments": result.adjustments, "total": f"{result.total:.2f}"}


@flow(name="request-records")
def request_records(
    audit_dir: str, out: str, due_days: int = 45, as_of: date | None = None
) -> dict[str, int]:
    """After an audit: request the records of claims that lack documentation."""
    return issue_records_requests(audit_dir, out, due_days, as_of or date.today())


@flow(name="recover-overpayments")
def recover_overpayments(
    audit_dir: str, out: str, review_file: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """After review: import the decisions (when a file is given), then adjustments and letters."""
    imported = import_review_decisions(audit_dir, review_file) if review_file else {}
    return {"import": imported, **write_adjustments(audit_dir, out, as_of or date.today())}


@flow(name="audit-then-request-records")
def audit_then_request_records(
    claims: str, encounters: str, members: str, out: str, due_days: int = 45
) -> dict[str, Any]:
    """Audit an extract, then request the records its undocumented claims need."""
    summary = audit_claims(claims, encounters, members, out)
    requested = request_records(out, str(Path(out) / "records-requests"), due_days)
    return {"audit": summary["determinations"], "records_requests": requested}


if __name__ == "__main__":
    import sys

    audit_folder = sys.argv[1] if len(sys.argv) > 1 else "out/sample"
    request_records(audit_folder, str(Path(audit_folder) / "records-requests"))
