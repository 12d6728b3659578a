"""The hidden checksums of cases.xlsx (outputs/review_digest.py) against the cells read back.

A workbook written with hostile text, awkward numbers and dates must read back with every
protected cell matching its checksum, also after another program saved it again; an edited
protected cell must not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ino_audit.outputs import excel, review_digest
from ino_audit.outputs.review_columns import INPUT_COLUMNS, WRITTEN_SHEET
from ino_audit.recovery import review

COLUMNS = [
    ("claim_id", "VARCHAR"),
    ("member_id", "VARCHAR"),
    ("amount_at_risk", "DECIMAL(18,2)"),
    ("disposition", "VARCHAR"),
    ("reviewed_overpayment", "DECIMAL(18,2)"),
    ("reviewer", "VARCHAR"),
    ("reviewed_on", "DATE"),
    ("note", "VARCHAR"),
    ("claim_start_date", "DATE"),
    ("reasons", "VARCHAR"),
    ("episode_hours", "DOUBLE"),
    ("episodes", "BIGINT"),
    ("is_peer", "BOOLEAN"),
    ("loaded_at", "TIMESTAMP"),
]
TEXTS = [
    "=1+1",
    "\r=1+1",
    " padded ",
    "line\nbreak\n",
    "bell\x07",
    "_x000D_ literal",
    "_x005F_x0041_",
    "a < b & c",
    "\ufffe",
    "émoji 🙂",
    "",
    "<r></r></is><f>1+1</f><is><r></r>",
    "z" * 40000,
]
NUMBERS = [0.1 + 0.2, 1e20, -0.0, 123456789.123456789, 2.5, 1 / 3]
DATES = [dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2024, 2, 29)]


def rows() -> list[tuple]:
    """Case rows over every kind of cell, reviewer columns mostly empty."""
    return [
        (
            f"C{i:03d}",
            text,
            Decimal(f"{i * 1001.01:.2f}") if i % 3 else None,
            "upheld" if i == 2 else None,
            Decimal("10.50") if i == 3 else None,
            None,
            DATES[0] if i == 4 else None,
            text if i == 5 else None,
            DATES[i % len(DATES)],
            text[::-1],
            NUMBERS[i % len(NUMBERS)] if i % 4 else None,
            i * 10**15 if i % 2 else None,
            None if i % 3 == 0 else i % 2 == 0,
            dt.datetime(2024, 5, 1, 8, i, 7, 250_000) if i % 5 else None,
        )
        for i, text in enumerate(TEXTS)
    ]


def workbook(path: Path) -> Path:
    """Write a Cases sheet and its checksums as draft_workbook does."""
    wb = excel.open_workbook(path, path.parent)
    fmt = excel.formats(wb)
    written = excel.write_table(wb, "Cases", COLUMNS, rows(), fmt, INPUT_COLUMNS)
    review_digest.write_sheet(wb, *excel.protected_columns(COLUMNS, written, INPUT_COLUMNS))
    wb.close()
    return path


def edits(path: Path) -> set[tuple[int, str]]:
    """Return the (row, column) of every protected cell whose checksum differs."""
    staged = review.read_workbook(path)
    return {(n, c) for n, c, v in set(staged.cells) ^ set(staged.written)}


def test_every_protected_cell_matches_as_written(tmp_path):
    """Read back at once, every protected cell of every row matches its checksum."""
    path = workbook(tmp_path / "cases.xlsx")
    staged = review.read_workbook(path)
    protected = [c for c, _ in COLUMNS if c not in INPUT_COLUMNS]
    assert len(staged.written) == len(TEXTS) * len(protected)
    assert edits(path) == set()
    sheet = openpyxl.load_workbook(path)[WRITTEN_SHEET]
    assert sheet.sheet_state == "veryHidden" and sheet["B1"].value.split() == protected


def test_saved_again_by_another_program_still_matches(tmp_path):
    """Shared strings instead of in-line ones, numbers rewritten: the checksums still match."""
    path = workbook(tmp_path / "cases.xlsx")
    book = openpyxl.load_workbook(path)
    book.save(tmp_path / "again.xlsx")
    assert edits(tmp_path / "again.xlsx") == set()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Claim ID", "C999"),
        ("Amount at risk", 1.0),
        ("Claim start date", dt.datetime(2024, 3, 1)),
        ("Reasons", "edited"),
        ("Episodes", 7),
        ("Is peer", "TRUE"),
        ("Episode hours", None),
    ],
)
def test_an_edited_protected_cell_is_named(tmp_path, column, value):
    """Changing one protected cell is found in that row and column only."""
    path = workbook(tmp_path / "cases.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["Cases"]
    header = {c.value: c.column for c in ws[1]}
    ws.cell(3, header[column]).value = value
    book.save(tmp_path / "edited.xlsx")
    assert edits(tmp_path / "edited.xlsx") == {(3, review.column_name(column))}


def test_a_workbook_with_the_earlier_copy_is_still_checked(tmp_path):
    """A cases.xlsx of an earlier version (a hidden copy of Cases) is compared cell by cell."""
    path = tmp_path / "cases.xlsx"
    wb = excel.open_workbook(path, tmp_path)
    fmt = excel.formats(wb)
    excel.write_table(wb, "Cases", COLUMNS, rows(), fmt, INPUT_COLUMNS)
    excel.write_table(wb, WRITTEN_SHEET, COLUMNS, rows(), fmt)
    wb.close()
    staged = review.read_workbook(path)
    assert staged.written and staged.written[0][2] == "C000" and edits(path) == set()
    book = openpyxl.load_workbook(path)
    book["Cases"]["A3"] = "C999"
    book.save(tmp_path / "edited.xlsx")
    assert edits(tmp_path / "edited.xlsx") == {(3, "claim_id")}
