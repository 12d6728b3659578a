"""The reviewer's workbook, cases.xlsx: cases to work, all findings, providers and run facts.

Every text cell is an in-line string cell (the table rows through xlsx_rows, which writes what
xlsxwriter's write_string writes, other text through `write_text`), and the workbook is opened
with strings_to_formulas/urls/numbers off (safe_io.XLSX_TEXT_OPTIONS, the workbook's half of the
formula guard), so an id or message that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return stays text and is never a formula. The file is written under a hidden temporary name
beside its target (xlsxwriter's own temporary files in the run's work folder, never the system
temp folder) and renamed into place when complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ino_audit.infra import safe_io
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs import review_columns as review
from ino_audit.outputs import xlsx_rows

MAX_ROWS = 1_048_575  # Excel's row limit minus the header row
WIDTH_SAMPLE = 500
WRAPPED = {
    "note",
    "reasons",
    "records_to_request",
    "other_notes",
    "evidence",
    "message",
    "outlier_message",
}
LABELS = {
    "claim_id": "Claim ID",
    "member_id": "Member ID",
    "rule_ids": "Rule IDs",
    "provider_ids": "Provider(s)",
    "provider_id": "Provider",
    "episode_id": "Episode ID",
    "gestational_age_weeks": "Gestational age (weeks)",
    "oxygenation_index": "OI",
    "episode_hours": "Episode hours",
    "max_dose_ppm": "Max dose (ppm)",
    "review_date": "Medical-director review date",
    "amount_at_risk": "Amount at risk",
    "records_to_request": "Records to request",
    "reasons": "Reasons",
    "z_hours": "z (mean hours)",
    "z_long_rate": "z (long-episode share)",
    # The reviewer's columns keep the review CSV's names (contract §6).
    **{column: column for column in review.INPUT_COLUMNS},
}
SHEETS = (
    ("Cases", "reports/cases.sql"),
    ("Findings", "reports/findings_list.sql"),
    ("Providers", "reports/providers.sql"),
    ("Review by rule", "reports/review_by_rule.sql"),
)
EXCEL_EPOCH = dt.date(1899, 12, 31).toordinal()  # serial number 0 in the 1900 date system


def label(column: str) -> str:
    """Return the header text for a column."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def formats(wb: Workbook) -> dict[str, Any]:
    """Return the workbook's cell formats."""
    return {
        "header": wb.add_format(
            {"bold": True, "bg_color": "#E8EAF6", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "text": wb.add_format({"valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00", "valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0", "valign": "top"}),
        "number": wb.add_format({"num_format": "0.0##", "valign": "top"}),
        "share": wb.add_format({"num_format": "0.0%", "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        # Reviewer input cells: unlocked on the protected Cases sheet, shaded.
        **{
            f"input_{k}": wb.add_format(
                {"locked": False, "bg_color": "#FFF8E1", "valign": "top", **extra}
            )
            for k, extra in (
                ("text", {}),
                ("wrap", {"text_wrap": True}),
                ("money", {"num_format": "#,##0.00"}),
                ("date", {"num_format": "yyyy-mm-dd"}),
            )
        },
    }


def kind(column: str, sql_type: str) -> str:
    """Return how a column is written: text, wrap, money, int, number, share, date or bool."""
    t = sql_type.upper()
    if t.startswith("DECIMAL"):
        return "money"
    if t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT"):
        return "int"
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return "share" if column.endswith("_share") else "number"
    if t == "DATE" or t.startswith("TIMESTAMP"):
        return "date"
    if t == "BOOLEAN":
        return "bool"
    return "wrap" if column in WRAPPED else "text"


def cell_kind(k: str) -> str:
    """Return how a column's cells are written: string (every text kind), boolean or number."""
    base = k.removeprefix("input_")
    return "string" if base in ("text", "wrap") else "boolean" if base == "bool" else "number"


def excel_date(d: dt.date) -> float:
    """Return a date as Excel's serial number, as xlsxwriter computes it (1900 leap bug kept)."""
    days = d.toordinal() - EXCEL_EPOCH
    return float(days + 1 if days > 59 else days)


def converter(ws: Worksheet, k: str, sql_type: str) -> Callable[[Any], Any] | None:
    """Return how a column's fetched values become the cell's value (None: as fetched)."""
    base, t = k.removeprefix("input_"), sql_type.upper()
    if base in ("text", "wrap"):
        return None if t == "VARCHAR" else str
    if base == "date":  # a number in a date format
        return excel_date if t == "DATE" else ws._convert_date_time
    if base == "bool":
        return None if t == "BOOLEAN" else bool
    return float if t.startswith("DECIMAL") else None  # ints and doubles are written as is


def width(column: str, k: str, values: Sequence[Any]) -> float:
    """Return a column width from its header and a sample of its values."""
    if k == "wrap":
        return 60
    if k == "date":
        return 12
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return min(max(len(label(column)) * 0.9, longest + 2, 8), 50)


def write_table(
    wb: Workbook,
    name: str,
    columns: list[tuple[str, str]],
    rows: list[tuple],
    fmt: dict,
    inputs: Sequence[str] = (),
) -> int:
    """Write one sheet: header, rows, frozen header, autofilter, widths; return rows written.

    With `inputs`, those columns are the reviewer's (unlocked, validated) and the sheet is
    protected, so every other cell stays as written.
    """
    ws = wb.add_worksheet(name)
    kinds = [("input_" if c in inputs else "") + kind(c, t) for c, t in columns]
    rows = rows[:MAX_ROWS]
    sample = rows[:WIDTH_SAMPLE]
    for c, ((column, _), k) in enumerate(zip(columns, kinds, strict=True)):
        base = k.removeprefix("input_")
        unlocked = fmt[k] if base != k else None
        ws.set_column(c, c, width(column, base, [r[c] for r in sample]), unlocked)
    if inputs:
        protect_inputs(ws, [c for c, _ in columns], len(rows), inputs)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    for c, (column, _) in enumerate(columns):
        write_text(ws, 0, c, label(column), fmt["header"])
    write_rows(ws, rows, kinds, [t for _, t in columns], fmt)
    return len(rows)


def write_rows(
    ws: Worksheet, rows: list[tuple], kinds: list[str], types: list[str], fmt: dict
) -> None:
    """Write the body rows from row 1, column by column (xlsx_rows)."""
    values = list(zip(*rows, strict=True)) if rows else [() for _ in kinds]
    columns = [column(ws, v, k, t, fmt) for v, k, t in zip(values, kinds, types, strict=True)]
    xlsx_rows.write_rows(ws, 1, columns)


def column(
    ws: Worksheet, values: Sequence[Any], k: str, sql_type: str, fmt: dict
) -> xlsx_rows.Column:
    """Return one column's cells: values converted, format, empty reviewer cells kept."""
    f = converter(ws, k, sql_type)
    if f is not None:
        values = [None if v is None else f(v) for v in values]
    unlocked = k.startswith("input_")  # an empty reviewer cell is written so it stays unlocked
    return xlsx_rows.Column(values, cell_kind(k), None if k == "bool" else fmt[k], unlocked)


def protect_inputs(ws: Worksheet, names: list[str], n_rows: int, inputs: Sequence[str]) -> None:
    """Add the reviewer columns' validation lists and protect the rest of the sheet."""
    for name, rule in review.VALIDATIONS.items():
        if name in inputs and name in names:
            c = names.index(name)
            ws.data_validation(1, c, max(n_rows, 1), c, rule)
    ws.protect("", {"autofilter": True, "sort": False, "format_columns": True})


def query(con: duckdb.DuckDBPyConnection, name: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    """Run sql/<name>; return its (column, type) pairs and all rows."""
    result = con.execute(read_sql(name))
    columns = [(d[0], str(d[1])) for d in result.description]
    return columns, result.fetchall()


def write_facts(wb: Workbook, facts: list[tuple[str, Any]], fmt: dict) -> None:
    """Write the run-facts sheet as item/value pairs."""
    ws = wb.add_worksheet("Run facts")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    write_text(ws, 0, 0, "Item", fmt["header"])
    write_text(ws, 0, 1, "Value", fmt["header"])
    ws.freeze_panes(1, 0)
    for r, (item, value) in enumerate(facts, start=1):
        write_text(ws, r, 0, str(item), fmt["text"])
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(r, 1, value, fmt["int"] if isinstance(value, int) else fmt["number"])
        elif isinstance(value, dt.date):
            ws.write_datetime(r, 1, value, fmt["date"])
        else:
            write_text(ws, r, 1, "" if value is None else str(value), fmt["text"])


def write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Any) -> None:
    """Write text as one in-line string cell, even text shaped like xlsxwriter's rich strings.

    In constant_memory mode xlsxwriter writes a string from `<r>` to `</r>` unescaped (a fact
    such as a file name could add a formula); such text goes as three plain runs, escaped.
    """
    if text.startswith("<r>") and text.endswith("</r>"):
        ws.write_rich_string(row, col, text[:1], text[1:2], text[2:], fmt)
    else:
        ws.write_string(row, col, text, fmt)


def open_workbook(path: Path, tmpdir: Path | None = None) -> Workbook:
    """Return a new workbook that never turns text into formulas, links or numbers.

    xlsxwriter's temporary files (they hold the sheets' cells) go to `tmpdir`, the run's work
    folder beside the output, rather than to the system temp folder.
    """
    options: dict[str, Any] = {**safe_io.XLSX_TEXT_OPTIONS, "constant_memory": True}
    if tmpdir is not None:
        options["tmpdir"] = str(tmpdir)
    return xlsxwriter.Workbook(str(path), options)


@dataclass
class Draft:
    """A workbook whose table sheets are written; the run-facts sheet and closing come later."""

    wb: Workbook
    fmt: dict[str, Any]
    path: Path
    notes: list[tuple[str, Any]]
    tmp: Path | None = None  # where the workbook is written before it replaces path


def draft_workbook(con: duckdb.DuckDBPyConnection, path: Path) -> Draft:
    """Write the cases, findings and providers sheets of cases.xlsx (not yet closed)."""
    tmp = safe_io.temp_path(path, ".xlsx")
    wb = open_workbook(tmp, safe_io.work_dir(path.parent))
    fmt = formats(wb)
    notes = []
    cases: tuple[list, list] = ([], [])
    for sheet, sql in SHEETS:
        columns, rows = query(con, sql)
        inputs = review.INPUT_COLUMNS if sheet == review.CASES_SHEET else ()
        written = write_table(wb, sheet, columns, rows, fmt, inputs)
        if written < len(rows):
            notes.append((f"{sheet} sheet truncated", f"first {written:,} of {len(rows):,} rows"))
        if inputs:
            cases = (columns, rows)
    # The very hidden copy of the Cases sheet review import compares protected cells with.
    write_table(wb, review.WRITTEN_SHEET, *cases, fmt)
    wb.get_worksheet_by_name(review.WRITTEN_SHEET).very_hidden()
    return Draft(wb, fmt, path, notes, tmp)


def finish_workbook(draft: Draft, facts: list[tuple[str, Any]]) -> Path:
    """Add the run-facts sheet, write the file and move it into place; return its path."""
    write_facts(draft.wb, facts + draft.notes, draft.fmt)
    draft.wb.close()
    if draft.tmp is not None:
        safe_io.commit(draft.tmp, draft.path)
    return draft.path
