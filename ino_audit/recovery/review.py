"""Import reviewers' decisions (filled cases.xlsx or review CSV) into the append-only table.

Reading the file is Python (openpyxl / csv); every check and the append are SQL over the whole
file at once (sql/recovery/review_check.sql, review_append.sql).
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ino_audit.infra import fingerprint, safe_io
from ino_audit.infra.db import transaction
from ino_audit.infra.errors import AuditError
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs import excel
from ino_audit.outputs.review_columns import (
    CASES_SHEET,
    CSV_COLUMNS,
    INPUT_COLUMNS,
    WRITTEN_SHEET,
)

Cells = list[tuple[int, str, str]]  # (source row, column name, value as text)


@dataclass
class Staged:
    """A review file read as text: one row per entry, plus protected cells to compare."""

    rows: list[dict[str, Any]]
    cells: Cells = field(default_factory=list)
    written: Cells = field(default_factory=list)
    row_word: str = "row"


@dataclass
class ImportResult:
    """What an import did: counts, refusals and conflicts (row, claim id, sentence)."""

    source: Path
    sha256: str
    rows_with_decisions: int = 0
    appended: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)
    row_word: str = "row"


def text(value: Any) -> str:
    """Return a cell value as the text the checks read (dates as ISO, empty for None)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_name(header: Any) -> str:
    """Return the column name behind a workbook header (the reverse of excel.label)."""
    reverse = {v: k for k, v in excel.LABELS.items()}
    header = text(header)
    return reverse.get(header, header.lower().replace(" ", "_"))


def sheet_rows(ws: Any) -> tuple[list[str], list[tuple[int, tuple]]]:
    """Return a sheet's column names and its non-empty rows with their sheet row numbers."""
    rows = ws.iter_rows(values_only=True)
    header = [column_name(h) for h in next(rows, ())]
    body = [(n, r) for n, r in enumerate(rows, start=2) if any(v is not None for v in r)]
    return header, body


def protected_cells(header: list[str], body: list[tuple[int, tuple]]) -> Cells:
    """Return every cell outside the input columns as (row, column, text)."""
    return [
        (n, name, text(v))
        for n, row in body
        for name, v in zip(header, row, strict=False)
        if name not in INPUT_COLUMNS and name
    ]


def read_workbook(path: Path) -> Staged:
    """Read the Cases sheet of a filled cases.xlsx and the hidden copy the audit wrote."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise AuditError(f"{path} is not a readable .xlsx workbook ({type(e).__name__}).") from None
    try:
        if CASES_SHEET not in wb.sheetnames:
            raise AuditError(f"{path} has no {CASES_SHEET} sheet: give the cases.xlsx of an audit.")
        header, body = sheet_rows(wb[CASES_SHEET])
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            raise AuditError(
                f"{path}, sheet {CASES_SHEET}, has no column {excel.label(missing[0])!r}: give "
                "the cases.xlsx written by this version of ino-audit."
            )
        rows = [
            {"source_row": n, **{c: text(row[header.index(c)]) for c in CSV_COLUMNS}}
            for n, row in body
        ]
        written: Cells = []
        if WRITTEN_SHEET in wb.sheetnames:
            written = protected_cells(*sheet_rows(wb[WRITTEN_SHEET]))
        cells = protected_cells(header, body) if written else []
    finally:
        wb.close()
    return Staged(rows, cells, written, row_word=f"{CASES_SHEET} row")


def read_csv_file(path: Path) -> Staged:
    """Read a review CSV (claim_id, disposition, reviewed_overpayment, reviewer, ...)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            names = [n.strip() for n in reader.fieldnames or []]
            for required in ("claim_id", "disposition"):
                if required not in names:
                    raise AuditError(f"{path} has no column {required}.")
            rows = [
                {
                    "source_row": n,
                    **{c: (r.get(c) or "").strip() for c in CSV_COLUMNS},
                }
                for n, r in enumerate(
                    ({k.strip(): v for k, v in row.items() if k} for row in reader), start=1
                )
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise AuditError(f"{path} cannot be read as a UTF-8 CSV file ({e}).") from None
    return Staged(rows)


def read_review_file(path: Path) -> Staged:
    """Read a review file by its extension (.xlsx or .csv)."""
    if not path.is_file():
        raise AuditError(f"The review file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_workbook(path)
    if suffix == ".csv":
        return read_csv_file(path)
    raise AuditError(f"{path} is neither a .xlsx workbook nor a .csv file.")


def register_staged(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    """Create the temp tables review_staged, review_staged_cells and review_written_cells."""
    columns = {"source_row": pa.int64(), **{c: pa.string() for c in CSV_COLUMNS}}
    rows = pa.table({c: pa.array([r[c] for r in staged.rows], t) for c, t in columns.items()})
    tables = {"review_staged": rows}
    for name, cells in (
        ("review_staged_cells", staged.cells),
        ("review_written_cells", staged.written),
    ):
        tables[name] = pa.table(
            {
                "source_row": pa.array([c[0] for c in cells], pa.int64()),
                "column_name": pa.array([c[1] for c in cells], pa.string()),
                "value": pa.array([c[2] for c in cells], pa.string()),
            }
        )
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        try:
            con.execute(f"create or replace temp table {name} as select * from {name}_arrow")
        finally:
            con.unregister(f"{name}_arrow")


def export_trail(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    """Write every stored decision, oldest first, to review_decisions.csv (a readable trail)."""
    path = folder / "review_decisions.csv"
    return safe_io.write_csv(con, read_sql("recovery/review_trail.sql"), path)


def import_decisions(con: duckdb.DuckDBPyConnection, path: Path) -> ImportResult:
    """Check a review file row by row and append its accepted, new decisions."""
    staged = read_review_file(path)
    result = ImportResult(path, fingerprint.file_sha256(path), row_word=staged.row_word)
    register_staged(con, staged)
    con.execute(read_sql("recovery/review_check.sql"), {"imported_by": getpass.getuser()})
    checked = con.execute(
        "select source_row, coalesce(claim_id, ''), refusal from review_checked"
    ).fetchall()
    result.rows_with_decisions = len(checked)
    result.refused = [(n, c, r) for n, c, r in checked if r]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(con):
        before = con.execute(
            "select coalesce(max(decision_id), 0) from review_decisions"
        ).fetchall()[0]
        con.execute(
            read_sql("recovery/review_append.sql"),
            {
                "source_file": str(path.resolve()),
                "source_sha256": result.sha256,
                "imported_at": now,
                "imported_by": getpass.getuser(),
            },
        )
        result.conflicts = con.execute(
            "select source_row, claim_id, 'differs from the decision of ' || previous_reviewer "
            "|| ' (' || previous_disposition || ')' from review_decisions "
            "where decision_id > ? and conflict order by source_row",
            [before[0]],
        ).fetchall()
        result.appended = con.execute(
            "select count(*) from review_decisions where decision_id > ?", [before[0]]
        ).fetchall()[0][0]
        result.unchanged = result.rows_with_decisions - len(result.refused) - result.appended
        con.execute(
            "insert into review_imports values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(path.resolve()),
                result.sha256,
                now,
                getpass.getuser(),
                result.rows_with_decisions,
                result.appended,
                result.unchanged,
                len(result.refused),
            ],
        )
    return result
