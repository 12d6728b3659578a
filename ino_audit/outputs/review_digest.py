"""The very hidden sheet of cases.xlsx: a checksum of each protected Cases cell, as written.

Review import refuses a row whose protected cells (claim id, amounts, rules, ...) were edited,
naming the columns. It used to compare them with a second, very hidden copy of the whole Cases
sheet; that copy was nearly half the workbook's cells. The sheet (review_columns.WRITTEN_SHEET)
now holds one text cell per Cases row instead: a CRC-32 (8 hex digits) of each protected cell,
in the order of the column names given in its header row. The import takes the same checksum of
each protected cell it reads and names the columns whose checksum differs
(recovery/review.py, cell_text). Like the copy, it catches accidental edits, not forgery: anyone
able to edit the hidden sheet could change either.

Both sides checksum the cell's value as the file stores it, not how it is shown: text with
Excel's _xHHHH_ escapes (of control characters) decoded and its ends stripped, numbers and
dates as the number the cell holds (16 significant digits as xlsxwriter writes them, rounded to
6 decimals), booleans as True/False, an empty cell as "".
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ino_audit.outputs import xlsx_rows
from ino_audit.outputs.review_columns import WRITTEN_SHEET

ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")  # Excel's escape of a character (openpyxl keeps it)
HEADER = "CRC-32 of the protected cells of each Cases row, in the order of these columns:"


def number_text(x: float) -> str:
    """Return the text a stored number is checksummed as (rounded; -0 as 0)."""
    return repr(round(float(x), 6) + 0.0)


def checksums(texts: Sequence[str]) -> list[str]:
    """Return the checksum of each cell text: CRC-32 of its UTF-8, 8 hex digits."""
    crc = zlib.crc32
    return [f"{crc(t.encode('utf-8', 'surrogatepass')):08x}" for t in texts]


def checksum(text: str) -> str:
    """Return one cell text's checksum."""
    return checksums([text])[0]


def unescape(text: str) -> str:
    """Return text with Excel's _xHHHH_ escapes decoded, as a reader of the file sees it."""
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def string_texts(values: Sequence[str | None]) -> list[str]:
    """Return the checksummed text of string cells: as stored (escaped), decoded, stripped."""
    texts = ["" if v is None else xlsx_rows.truncated(v) for v in values]
    if xlsx_rows.NEEDS_CONTROL_ESCAPES.search("\n".join(texts)):  # rare: escape, then decode
        escape = Worksheet._escape_control_characters
        texts = [unescape(escape(t)) for t in texts]
    return [t.strip() for t in texts]


def written_texts(column: xlsx_rows.Column) -> list[str]:
    """Return the checksummed text of each cell of a column as xlsx_rows writes it."""
    values: Sequence[Any] = column.values
    if column.how == "string":
        return string_texts(values)
    if column.how == "boolean":
        return ["" if v is None else str(bool(v)) for v in values]
    # number_text of the number as stored (16 significant digits), inlined: the common case
    return ["" if v is None else repr(round(float(f"{v:.16G}"), 6) + 0.0) for v in values]


def write_sheet(wb: Workbook, names: list[str], columns: list[xlsx_rows.Column]) -> None:
    """Add the very hidden sheet of the named (protected) columns' checksums, one row per row."""
    ws = wb.add_worksheet(WRITTEN_SHEET)
    ws.write_string(0, 0, HEADER)
    ws.write_string(0, 1, " ".join(names))
    sums = [checksums(written_texts(c)) for c in columns]
    rows = [" ".join(r) for r in zip(*sums, strict=True)]
    xlsx_rows.write_rows(ws, 1, [xlsx_rows.Column(rows, "string", None)])
    ws.very_hidden()
