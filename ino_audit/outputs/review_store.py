"""Open an audit's database for review and recovery, with the tables and views they read."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from ino_audit.infra.db import connect
from ino_audit.infra.errors import AuditError
from ino_audit.infra.paths import RULES_DIR
from ino_audit.infra.sqlfiles import run_sql_file
from ino_audit.outputs import review_codes as codes

LOOKBACK_FILE = RULES_DIR / "recovery_lookback.csv"
LOOKBACK_COLUMNS = ("line_of_business", "state", "months", "source", "note")
AUDIT_TABLES = ("determinations", "findings", "ino_claims", "claim_providers", "members")


def database_path(audit_dir: Path) -> Path:
    """Return the audit database of an output folder, or stop with a sentence if it is not there."""
    path = audit_dir / "ino_audit.duckdb"
    if not path.is_file():
        raise AuditError(
            f"{audit_dir} holds no audit database (ino_audit.duckdb): run `ino-audit audit` "
            "into it first."
        )
    return path


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the review tables if they are missing (never replaces them)."""
    run_sql_file(con, "recovery/tables.sql")


def read_lookback(path: Path) -> list[tuple[str | None, str | None, int, str, str]]:
    """Return the look-back rows of a CSV after checking each, or stop naming the bad row."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in LOOKBACK_COLUMNS[:3] if c not in (reader.fieldnames or [])]
            if missing:
                raise AuditError(f"{path} has no column {missing[0]}.")
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as e:
        raise AuditError(f"The look-back table {path} cannot be read ({e}).") from None
    out = []
    for n, r in enumerate(rows, start=1):
        months = (r.get("months") or "").strip()
        if not months.isdigit():
            raise AuditError(f"{path} row {n}, column months: {months!r} is not whole months.")
        lob = (r.get("line_of_business") or "").strip().lower() or None
        state = (r.get("state") or "").strip().upper() or None
        out.append((lob, state, int(months), r.get("source") or "", r.get("note") or ""))
    if not any(lob is None and state is None for lob, state, *_ in out):
        raise AuditError(f"{path} needs a default row (line_of_business and state blank).")
    return out


def install_lookback(con: duckdb.DuckDBPyConnection, path: Path, as_of: date) -> None:
    """Create the temp tables `recovery_lookback` and `recovery_params` (the as-of date)."""
    rows = read_lookback(path)
    table = pa.table(
        {name: pa.array([r[i] for r in rows]) for i, name in enumerate(LOOKBACK_COLUMNS)}
    )
    con.register("recovery_lookback_arrow", table)
    try:
        con.execute(
            "create or replace temp table recovery_lookback as "
            "select * replace (months::integer as months) from recovery_lookback_arrow"
        )
    finally:
        con.unregister("recovery_lookback_arrow")
    con.execute("create or replace temp table recovery_params as select ?::date as as_of", [as_of])


def prepare(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    lookback: Path | None = None,
    read_only: bool = False,
) -> None:
    """Install review tables (unless the database is open read-only, where the audit already
    made them), codes, look-back and the `review_claim_status` view (temporary objects)."""
    if not read_only:
        ensure_tables(con)
    present = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "rules_in_use" not in present:  # an audit written before policy files named their rules
        con.execute(
            "create or replace temp table rules_in_use as select rule_id from rules_registry"
        )
    codes.install(con)
    install_lookback(con, lookback or LOOKBACK_FILE, as_of)
    run_sql_file(con, "recovery/claim_status.sql")


def check_audit(con: duckdb.DuckDBPyConnection, audit_dir: Path) -> None:
    """Stop with a sentence when the database lacks a finished audit's tables."""
    present = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    missing = [t for t in AUDIT_TABLES if t not in present]
    if missing:
        raise AuditError(
            f"The audit database in {audit_dir} has no {missing[0]} table: the audit did not "
            "finish; run it again."
        )


@contextmanager
def open_audit(
    audit_dir: Path, as_of: date | None = None, lookback: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open an audit folder's database prepared for review and recovery; close it after."""
    con = connect(database_path(audit_dir))
    try:
        check_audit(con, audit_dir)
        prepare(con, as_of or date.today(), lookback)
        yield con
    finally:
        con.close()
