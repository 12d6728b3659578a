"""The suites' results as files: validation/<suite>.json, dq_findings.csv and Data Docs.

The JSON results are the record (counts and failing rows' file and row, never a value); the
Data Docs are a convenience rendered in the helper process while the outputs are written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io, workers
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.quality import gx


@dataclass(frozen=True)
class SuiteOutcome:
    """What one suite found in one run."""

    suite: str
    rows: int
    expectations: int
    failed_expectations: int
    quarantined_rows: int
    dq_findings: int


@dataclass
class ValidationSummary:
    """The validation step's outcome: per suite, and where its files are."""

    run_id: str
    suites: list[SuiteOutcome]
    results_dir: Path | None = None
    data_docs: Path | None = None
    data_docs_error: str | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def quarantined_rows(self) -> int:
        """Return the rows quarantined by blocking expectations, over all suites."""
        return sum(s.quarantined_rows for s in self.suites)

    @property
    def dq_findings(self) -> int:
        """Return the data-quality warnings, over all suites."""
        return sum(s.dq_findings for s in self.suites)

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {
            "run_id": self.run_id,
            "suites": {
                s.suite: {k: v for k, v in asdict(s).items() if k != "suite"} for s in self.suites
            },
            "quarantined_rows": self.quarantined_rows,
            "dq_findings": self.dq_findings,
            "results_dir": str(self.results_dir) if self.results_dir else None,
            "data_docs": str(self.data_docs) if self.data_docs else None,
            "data_docs_error": self.data_docs_error,
            "seconds": round(self.seconds, 3),
            **self.extra,
        }


def outcomes(con: duckdb.DuckDBPyConnection) -> list[SuiteOutcome]:
    """Return each suite's outcome from the validation tables."""
    rows = con.execute(read_sql("quality/outcomes.sql")).fetchall()
    return [SuiteOutcome(*r) for r in rows]


def _write_results(con: duckdb.DuckDBPyConnection, folder: Path, run_id: str) -> dict[str, dict]:
    """Write validation/<suite>.json for this run; return the results by suite."""
    safe_io.ensure_dir(folder)
    results = {}
    for suite, text in con.execute("select suite, result from validation_results").fetchall():
        data = json.loads(text)
        data.setdefault("meta", {})["ino_audit_run_id"] = run_id
        safe_io.write_text(folder / f"{suite}.json", json.dumps(data, indent=2) + "\n")
        results[suite] = data
    return results


DocsWait = Callable[[], tuple[Path | None, str | None]]


def start_files(
    con: duckdb.DuckDBPyConnection, out: Path, run_id: str, data_docs: bool = True
) -> tuple[Path, DocsWait]:
    """Write validation/<suite>.json and dq_findings.csv, and start the Data Docs in the helper.

    Returns the results folder and a function that waits for the Data Docs: their folder, or
    None and a one-line error (they are a convenience; the JSON results are the record).
    """
    folder = out / "validation"
    results = _write_results(con, folder, run_id)
    safe_io.write_csv(con, read_sql("quality/dq_findings_csv.sql"), out / "dq_findings.csv")
    if not data_docs:
        return folder, lambda: (None, None)
    try:
        pending = workers.submit(gx.render_data_docs, results, folder, run_id)
    except Exception as e:
        error = f"Data Docs could not be built ({type(e).__name__})"
        return folder, lambda: (None, error)

    def wait() -> tuple[Path | None, str | None]:
        try:
            with phase("write.data_docs_wait"):
                return pending(), None
        except Exception as e:
            return None, f"Data Docs could not be built ({type(e).__name__})"

    return folder, wait


def write_files(
    con: duckdb.DuckDBPyConnection, out: Path, run_id: str, data_docs: bool = True
) -> tuple[Path, Path | None, str | None]:
    """Write validation/<suite>.json, dq_findings.csv and the Data Docs into out."""
    folder, docs = start_files(con, out, run_id, data_docs)
    return folder, *docs()


def print_summary(summary: ValidationSummary, console) -> None:
    """Print the validation summary as a table (counts and paths only, never values)."""
    from rich.table import Table

    sources = summary.extra.get("sources", {})
    table = Table(title=f"ino-audit validate {summary.run_id}")
    for col in ("source", "input rows", "loaded", "quarantined", "expectations failed", "warnings"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for o in summary.suites:
        s = sources.get(o.suite, {})
        table.add_row(
            o.suite,
            f"{s.get('input_rows', 0):,}",
            f"{s.get('loaded_rows', 0):,}",
            f"{s.get('quarantined_rows', 0):,}",
            f"{o.failed_expectations} of {o.expectations}",
            f"{o.dq_findings:,}",
        )
    console.print(table)
    docs = f"; Data Docs {summary.data_docs / 'index.html'}" if summary.data_docs else ""
    console.print(
        f"Results in {summary.results_dir}{docs}. "
        f"{summary.quarantined_rows:,} rows quarantined by blocking expectations, "
        f"{summary.dq_findings:,} data-quality warnings (dq_findings.csv)."
    )
    if summary.data_docs_error:
        console.print(summary.data_docs_error)
