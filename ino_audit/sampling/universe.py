"""The sampling universe: an audit's iNO claims, by determination and period (contract §5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra.errors import AuditError
from ino_audit.infra.fingerprint import file_sha256
from ino_audit.outputs.tables import DETERMINATIONS

UNIVERSES = ("all", "flagged", *DETERMINATIONS)
DESCRIPTIONS = {
    "all": "every iNO claim of the audit",
    "flagged": "every iNO claim the audit did not find supported",
}


@dataclass
class Period:
    """Paid-date and service-date bounds (inclusive; None = open), as in `ino-audit audit`."""

    paid_from: date | None = None
    paid_to: date | None = None
    service_from: date | None = None
    service_to: date | None = None

    def bounds(self) -> dict[str, str | None]:
        """Return the bounds as ISO dates."""
        return {k: (v.isoformat() if v else None) for k, v in vars(self).items()}

    def is_open(self) -> bool:
        """Return whether no bound is set."""
        return not any(vars(self).values())


def read_summary(audit_dir: Path) -> dict[str, Any]:
    """Return the audit's summary.json, refusing a folder that is not an audit's output."""
    if not audit_dir.is_dir():
        raise AuditError(f"The audit folder {audit_dir} does not exist.")
    for name in ("determinations.csv", "summary.json"):
        if not (audit_dir / name).is_file():
            raise AuditError(
                f"{audit_dir} has no {name}: give --from the output folder of ino-audit audit."
            )
    try:
        return json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise AuditError(f"{audit_dir / 'summary.json'} is not valid JSON.") from e


def audit_database(audit_dir: Path, summary: dict[str, Any]) -> Path:
    """Return the audit's database file (summary.json's path, else ino_audit.duckdb beside it)."""
    for candidate in (Path(str(summary.get("database", ""))), audit_dir / "ino_audit.duckdb"):
        if candidate.suffix == ".duckdb" and candidate.is_file():
            return candidate
    raise AuditError(f"The period filters need the audit's database, which is not in {audit_dir}.")


def universe_filter(universe: str) -> str:
    """Return the SQL condition on `determination` for a universe name."""
    if universe == "all":
        return "true"
    if universe == "flagged":
        return "determination <> 'supported'"
    if universe in DETERMINATIONS:
        return f"determination = '{universe}'"
    raise AuditError(f"--universe must be all, flagged or one of {', '.join(DETERMINATIONS)}.")


def period_filter(
    con: duckdb.DuckDBPyConnection, audit_dir: Path, summary: dict, period: Period
) -> str:
    """Attach the audit database when a period is set; return the SQL condition it adds."""
    if period.is_open():
        return "true"
    db = audit_database(audit_dir, summary)
    try:
        quoted = db.as_posix().replace("'", "''")
        con.execute(f"attach '{quoted}' as audit_db (read_only)")
    except duckdb.Error as e:
        raise AuditError(
            f"The audit database {db} could not be opened (is an audit still running?)."
        ) from e
    b = {k: f"date '{v}'" if v else "null" for k, v in period.bounds().items()}
    return f"""claim_id in (
        select claim_id from audit_db.ino_claims
        where ({b["paid_from"]} is null or paid_date >= {b["paid_from"]})
            and ({b["paid_to"]} is null or paid_date <= {b["paid_to"]})
            and ({b["service_from"]} is null or claim_start_date >= {b["service_from"]})
            and ({b["service_to"]} is null or claim_start_date <= {b["service_to"]})
    )"""


def read_determinations(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Load determinations.csv as table `audited`, naming a missing column or a bad value."""
    try:
        con.execute(
            "create or replace table audited as select * from read_csv(?, header = true, "
            "all_varchar = true)",
            [str(path)],
        )
    except duckdb.Error as e:
        raise AuditError(f"{path} could not be read as a CSV file.") from e
    columns = {row[0] for row in con.execute("describe audited").fetchall()}
    for column in ("claim_id", "determination", "paid_amount", "amount_at_risk"):
        if column not in columns:
            raise AuditError(f"{path} has no column {column}.")
    for column in ("paid_amount", "amount_at_risk"):
        bad = con.execute(
            f"""select row_number from (
                select row_number() over () as row_number, {column} as value from audited
            ) where value is not null and try_cast(value as decimal(18, 2)) is null limit 1"""
        ).fetchall()
        if bad:
            raise AuditError(f"{path} row {bad[0][0]}, column {column}: not an amount.")
    con.execute(
        """create or replace table audited as
        select claim_id, determination, coalesce(rule_ids, '') as rule_ids,
            paid_amount::decimal(18, 2) as paid_amount,
            amount_at_risk::decimal(18, 2) as amount_at_risk
        from audited"""
    )


def load(
    con: duckdb.DuckDBPyConnection, audit_dir: Path, universe: str, period: Period
) -> dict[str, Any]:
    """Create table `universe` (the claims to sample from); return its definition and sources."""
    summary = read_summary(audit_dir)
    where = universe_filter(universe)
    in_period = period_filter(con, audit_dir, summary, period)
    path = audit_dir / "determinations.csv"
    read_determinations(con, path)
    con.execute(
        f"""create or replace table universe as
        with

        audited as (
            select claim_id, determination, rule_ids, paid_amount,
                coalesce(amount_at_risk, 0) as amount_at_risk
            from audited
        ),

        chosen as (
            select * from audited where {where} and {in_period}
        )

        select * from chosen where paid_amount >= 0 order by claim_id"""
    )
    chosen, unpaid = con.execute(
        f"""select count(*), count(*) filter (where coalesce(paid_amount, 0) < 0)
        from audited where {where} and {in_period}"""
    ).fetchall()[0]
    duplicates = con.execute("select count(*) - count(distinct claim_id) from universe").fetchall()[
        0
    ][0]
    if duplicates:
        raise AuditError(f"{path} lists {duplicates} claim ids more than once.")
    return {
        "universe": {
            "name": universe,
            "description": DESCRIPTIONS.get(universe, f"every iNO claim determined {universe}"),
            "period": period.bounds(),
            "audit_period": summary.get("period"),
            "claims_selected": chosen,
            "claims_excluded_negative_paid": unpaid,
            "note": "Every claim of the universe is in the frame, unpaid ones (0.00) included "
            "(docs/contract.md §5); a claim whose lines net to a negative amount is left out.",
        },
        "source": {
            "audit_dir": str(audit_dir),
            "run_id": summary.get("run_id"),
            "policy_version": summary.get("policy_version"),
            "determinations_csv_sha256": file_sha256(path),
            "audit_input_files": [
                {k: f.get(k) for k in ("source", "path", "bytes", "sha256")}
                for f in summary.get("input_files", [])
            ],
        },
    }
