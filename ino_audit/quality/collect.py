"""Great Expectations beside the rules: start on the ingested frames, collect the results.

Ingest has already quarantined what the blocking expectations block (in SQL, blocking.py), so
nothing Great Expectations finds can change what the rules read: it runs in the helper process
while the rules run, and its results are collected afterwards. Collecting confirms that Great
Expectations blocks exactly the rows ingest quarantined (else the run stops: the suite and its SQL
form disagree), records warnings as `dq_findings`, runs the suite's SQL checks on the code
columns and stores each suite's scrubbed result. Tables written: `dq_findings`,
`validation_results`, `validation_state`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io, workers
from ino_audit.infra.db import transaction
from ino_audit.infra.errors import AuditError
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.quality import gx
from ino_audit.quality.frames import Frame
from ino_audit.quality.suites import SCHEMA_EXPECTATIONS, SUITE_TABLES, suite_dicts

STATE_DDL = (
    "create table if not exists validation_state "
    "(load_key varchar, validated_at timestamp, seconds double)"
)


@dataclass
class Pending:
    """Suites running (in the helper process, or deferred in-process) on ingest's frames."""

    folder: Path  # the frames beside the database, removed once the results are in
    result: Callable[[], dict[str, gx.SuiteRun]]
    started: float


def start(frames: dict[str, Frame], as_of: datetime, folder: Path) -> Pending:
    """Start validating the written frames: in the helper process, or in-process when asked."""
    return Pending(folder, workers.submit(gx.validate_files, frames, as_of), time.perf_counter())


def _confirm(con: duckdb.DuckDBPyConnection, source: str, run: gx.SuiteRun) -> None:
    """Stop unless Great Expectations blocks exactly the rows ingest's SQL quarantined."""
    _, failures, result = run
    for r in result.get("results", []):
        cfg = r["expectation_config"]
        blocking = (cfg.get("meta") or {}).get("blocking")
        if cfg["type"] in SCHEMA_EXPECTATIONS and blocking and not r.get("success", True):
            raise AuditError(
                f"The loaded {SUITE_TABLES[source]} table fails the {source} suite's "
                f"{cfg['type']} expectation: the loader and the suite disagree on its shape."
            )
    blocked = failures[failures["blocking"]]
    by_gx = set(
        zip(
            blocked["source_file_index"], blocked["source_row"], blocked["expectation"], strict=True
        )
    )
    by_sql = set(
        con.execute(
            "select source_file_index, source_row, expectation from blocking_failures "
            "where source = ?",
            [source],
        ).fetchall()
    )
    if by_gx != by_sql:
        kinds = sorted({e for *_, e in by_gx ^ by_sql})
        raise AuditError(
            f"Great Expectations and ingest's SQL disagree on {len(by_gx ^ by_sql)} failing "
            f"row(s) of the {source} suite ({', '.join(kinds)}): the SQL form of a blocking "
            "expectation (ino_audit/quality/blocking.py) needs fixing."
        )


def _sql_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Run the SQL checks the claims suite declares in meta.sql_checks (code shapes, ICD-10-CM)."""
    for chk in suite_dicts()["claims"].get("meta", {}).get("sql_checks", []):
        sql = read_sql(f"quality/{chk['sql']}.sql")
        params = {"regex": chk["regex"], "expectation": f"sql:{chk['name']}", "note": chk["note"]}
        if "$columns" in sql:
            params["columns"] = chk["columns"]
        con.execute(sql, params)


def collect(con: duckdb.DuckDBPyConnection, pending: Pending, load_key: str) -> None:
    """Wait for the suites, confirm the blocking rows, record warnings and results."""
    try:
        with phase("write.wait_quality"):
            runs = pending.result()
    finally:
        safe_io.remove_tree(pending.folder)
    with transaction(con):
        run_sql_file(con, "quality/tables.sql")
        for source in SUITE_TABLES:
            _confirm(con, source, runs[source])
            rows, failures, result = runs[source]
            con.register("gx_failures", failures)
            run_sql_file(con, "quality/warnings.sql", source=source)
            con.unregister("gx_failures")
            con.execute(
                "insert into validation_results values (?, ?, ?)",
                [source, rows, json.dumps(result, default=str)],
            )
        with phase("write.quality_sql_checks"):
            _sql_checks(con)
        run_sql_file(con, "quality/finish.sql")
        con.execute(STATE_DDL)
        con.execute("delete from validation_state")
        con.execute(
            "insert into validation_state values (?, now()::timestamp, ?)",
            [load_key, time.perf_counter() - pending.started],
        )


def validated(con: duckdb.DuckDBPyConnection, load_key: str) -> bool:
    """Return whether the suites' results for this load are recorded."""
    con.execute(STATE_DDL)
    rows = con.execute("select load_key from validation_state").fetchall()
    return bool(rows) and rows[-1][0] == load_key


def summary_dict(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Return the validation of the loaded tables for summary.json (empty if not validated)."""
    con.execute(STATE_DDL)
    seconds = con.execute("select max(seconds) from validation_state").fetchall()[0][0]
    if seconds is None:
        return {}
    rows = con.execute(read_sql("quality/outcomes.sql")).fetchall()
    names = ("rows", "expectations", "failed_expectations", "quarantined_rows", "dq_findings")
    suites = {r[0]: dict(zip(names, r[1:], strict=True)) for r in rows}
    return {
        "suites": suites,
        "quarantined_rows": sum(s["quarantined_rows"] for s in suites.values()),
        "dq_findings": sum(s["dq_findings"] for s in suites.values()),
        "check_seconds": round(seconds or 0.0, 3),
    }
