"""The workbook's row writer (ino_audit/outputs/xlsx_rows.py) writes what xlsxwriter writes.

Each table is written twice, once by excel.write_table and once with its rows put through
xlsxwriter's public per-cell calls; the two files must match part for part, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ino_audit.outputs import excel, xlsx_rows

COLUMNS = [
    ("claim_id", "VARCHAR"),
    ("message", "VARCHAR"),  # wrapped text
    ("paid_amount", "DECIMAL(18,2)"),
    ("claims", "BIGINT"),
    ("episode_hours", "DOUBLE"),
    ("long_episode_share", "DOUBLE"),
    ("claim_start_date", "DATE"),
    ("loaded_at", "TIMESTAMP"),
    ("is_peer", "BOOLEAN"),
    ("rule_ids", "VARCHAR[]"),  # not text in the database: written as its str()
    ("disposition", "VARCHAR"),  # the reviewer's columns (inputs)
    ("reviewed_overpayment", "DECIMAL(18,2)"),
    ("reviewed_on", "DATE"),
    ("note", "VARCHAR"),
]
INPUTS = ("disposition", "reviewed_overpayment", "reviewed_on", "note")
TEXTS = [
    "plain",
    " leading space",
    "trailing space ",
    "\u00a0no-break space",
    "ends with a newline\n",
    "tab\tinside",
    "\ttab first",
    "\r=1+1",
    "bell\x07 and nul\x00",
    "_x000D_ literal escape",
    "_x005F_x0041_ escaped escape",
    "non-character \ufffe\uffff",
    "a < b & c > d",
    '"quoted"',
    "=SUM(A1:A2)",
    "",
    "émoji 🙂",
    "x" * 32766 + "🙂",  # cut before the emoji: it would pass the 32,767 UTF-16 units
    "y" * 40000,
]
NUMBERS = [0.1 + 0.2, 1e20, -0.0, 1e-7, 123456789.123456789, 42.0, -3.5]
DATES = [dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2024, 2, 29), dt.date(1899, 12, 31)]


def rows() -> list[tuple]:
    """Rows over every kind of column, with empty cells (none at all in the last row)."""
    out: list[tuple] = []
    for i, text in enumerate(TEXTS):
        n = NUMBERS[i % len(NUMBERS)]
        out.append(
            (
                None if i == 1 else text,
                text[::-1] if i % 3 else None,
                None if i < 3 else Decimal(f"{i * 1234.5:.2f}"),
                i * 10**15 if i % 2 else None,
                n,
                None if i % 4 else n / 100,
                DATES[i % len(DATES)],
                dt.datetime(2024, 1, 1, 12, i, 30, i * 1000) if i % 5 else None,
                None if i % 3 == 2 else i % 2 == 0,
                ["INO-A", text[:5]] if i % 2 else None,
                "upheld" if i == 4 else None,
                Decimal("12.30") if i == 5 else None,
                DATES[0] if i == 6 else None,
                text if i == 7 else None,
            )
        )
    out.append((None,) * len(COLUMNS))
    return out


def per_cell(ws: Any, body: list[tuple], kinds: list[str], types: list[str], fmt: dict) -> None:
    """Write the body rows with xlsxwriter's public calls, one cell at a time."""
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            k = kinds[c]
            base = k.removeprefix("input_")
            if value is None:
                if k.startswith("input_"):
                    ws.write_blank(r, c, None, fmt[k])
            elif base in ("text", "wrap"):
                ws.write_string(r, c, str(value), fmt[k])
            elif base == "date":
                ws.write_datetime(r, c, value, fmt[k])
            elif base == "bool":
                ws.write_boolean(r, c, bool(value))
            else:
                ws.write_number(r, c, float(value), fmt[k])


def workbook(path: Path, body: list[tuple], inputs: tuple[str, ...] = INPUTS) -> dict[str, bytes]:
    """Write the table (and an empty one) to path; return the file's parts but its timestamps."""
    wb = excel.open_workbook(path, path.parent)
    fmt = excel.formats(wb)
    excel.write_table(wb, "Cases", COLUMNS, body, fmt, inputs)
    excel.write_table(wb, "Empty", COLUMNS[:3], [], fmt)
    wb.close()
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("inputs", [INPUTS, ()])
def test_rows_are_written_as_xlsxwriter_writes_them(tmp_path, monkeypatch, inputs):
    """Every part of the file is the same as with xlsxwriter's per-cell calls."""
    fast = workbook(tmp_path / "fast.xlsx", rows(), inputs)
    monkeypatch.setattr(excel, "write_rows", per_cell)
    assert workbook(tmp_path / "slow.xlsx", rows(), inputs) == fast


def test_rich_text_markup_stays_text(tmp_path):
    """Text shaped like xlsxwriter's rich-string markup is escaped, never written as XML.

    xlsxwriter writes an in-line string starting with <r> and ending with </r> unescaped (its
    rich strings), so such an id could close the cell's text and add a formula.
    """
    hostile = ["<r></r></is><f>1+1</f><is><r></r>", "<r><t>bold</t></r>"]
    path = tmp_path / "w.xlsx"
    wb = excel.open_workbook(path)
    excel.write_table(wb, "S", [("id", "VARCHAR")], [(v,) for v in hostile], excel.formats(wb))
    wb.close()
    cells = [c for row in openpyxl.load_workbook(path)["S"].iter_rows(min_row=2) for c in row]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in hostile]


def test_rich_text_markup_in_facts_and_headers_stays_text(tmp_path):
    """The run facts and the header labels escape rich-string markup too (`write_text`)."""
    hostile = "<r></r></is><f>1+1</f><is><r></r>"
    path = tmp_path / "w.xlsx"
    wb = excel.open_workbook(path)
    fmt = excel.formats(wb)
    excel.write_table(wb, "S", [(hostile, "VARCHAR")], [("x",)], fmt)
    excel.write_facts(wb, [(hostile, hostile), ("plain", "text")], fmt)
    wb.close()
    book = openpyxl.load_workbook(path)
    assert book["S"]["A1"].value == hostile
    facts = [[(c.value, c.data_type) for c in row] for row in book["Run facts"].iter_rows()]
    assert facts[1:] == [[(hostile, "s"), (hostile, "s")], [("plain", "s"), ("text", "s")]]


def test_numbers_that_excel_cannot_hold_are_refused(tmp_path):
    """NaN and infinity stop the write, as xlsxwriter's write_number does."""
    wb = excel.open_workbook(tmp_path / "w.xlsx")
    with pytest.raises(TypeError, match="NAN/INF"):
        excel.write_table(wb, "S", [("x", "DOUBLE")], [(1.0,), (float("nan"),)], excel.formats(wb))
    wb.close()


def test_only_plain_constant_memory_sheets(tmp_path):
    """A worksheet the writer does not know how to extend is refused, not written wrongly."""
    wb = excel.open_workbook(tmp_path / "w.xlsx")
    ws = wb.add_worksheet("S")
    ws.set_row(3, 30)
    with pytest.raises(RuntimeError, match="plain rows"):
        xlsx_rows.write_rows(ws, 1, [xlsx_rows.Column(["a"], "string", None)])
    wb.close()
