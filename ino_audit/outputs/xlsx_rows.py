"""A sheet's body rows as XML, column by column: xlsxwriter's output without its per-cell calls.

In constant_memory mode xlsxwriter turns each cell into XML as its row completes, through about
a dozen Python calls per cell (the A1 wrapper, dimension checks, a cell tuple, attribute
escaping, three regular expressions per string); for cases.xlsx that was most of the workbook's
time. Here each column's cells are made at once, with xlsxwriter's own escaping functions and
only where a column needs them, each row is joined from its cells and the rows are written to the
worksheet's row-data file, where xlsxwriter would have written them. The result is byte for byte
what xlsxwriter's write_string/_number/_boolean/_blank write (tests/test_reports.py compares the
two on hostile text); text is always an inline string cell, never a formula, link or number.

It relies on xlsxwriter's constant_memory internals (the row-data file, dimensions, previous_row):
pyproject.toml pins xlsxwriter below 4 and the test above fails if they change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# What xlsxwriter's _escape_control_characters changes: literal _xHHHH_ escapes, control
# characters and the non-characters U+FFFE/U+FFFF.
NEEDS_CONTROL_ESCAPES = re.compile(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
ROWS_PER_WRITE = 2000
STRMAX = 32767  # Excel's limit for a cell's text, in UTF-16 units


def style(ws: Worksheet, col: int, fmt: Format | None) -> str:
    """Return a cell's style attribute: its format's, else its column's, as xlsxwriter does."""
    if fmt is None and col in ws.col_info:
        fmt = ws.col_info[col].column_format
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


def truncated(text: str) -> str:
    """Return text cut to Excel's cell limit, as xlsxwriter's _write_string cuts it."""
    if len(text) > STRMAX // 2 and _utf16_len(text) > STRMAX:
        return _utf16_truncate(text, STRMAX)
    return text


def string_cells(values: Sequence[str | None], s: str) -> list[str | None]:
    """Return the XML after `<c r=".."` of a column's inline-string cells (None: no cell)."""
    texts = [None if v is None else truncated(v) for v in values]
    present = [t for t in texts if t is not None]
    if NEEDS_CONTROL_ESCAPES.search("\n".join(present)):  # rare: per value, as xlsxwriter
        escape = Worksheet._escape_control_characters
        texts = [None if t is None else escape(t) for t in texts]
    joined = "".join(present)
    if "&" in joined or "<" in joined or ">" in joined:
        texts = [
            None if t is None else t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            for t in texts
        ]
    # xml:space="preserve" for leading or trailing whitespace (`^\s|\s$` in xlsxwriter).
    return [
        None
        if t is None
        else f'{s} t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>'
        if t[:1].isspace() or t[-1:].isspace()
        else f'{s} t="inlineStr"><is><t>{t}</t></is></c>'
        for t in texts
    ]


def number_cells(values: Sequence[float | int | None], s: str) -> list[str | None]:
    """Return the XML after `<c r=".."` of a column's number cells (dates as serial numbers)."""
    if not all(math.isfinite(v) for v in values if v is not None):
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors'.")
    return [None if v is None else f"{s}><v>{v:.16G}</v></c>" for v in values]


def boolean_cells(values: Sequence[Any], s: str) -> list[str | None]:
    """Return the XML after `<c r=".."` of a column's boolean cells."""
    return [None if v is None else f'{s} t="b"><v>{1 if v else 0}</v></c>' for v in values]


def blank_cells(cells: list[str | None], s: str) -> list[str | None]:
    """Fill a column's empty cells with formatted blank cells (they keep the format's lock)."""
    blank = f"{s}/>"
    return [blank if c is None else c for c in cells]


class Column(NamedTuple):
    """One column of body cells: values as written, how, format, and blanks where empty."""

    values: Sequence[Any]  # str for string, float/int for number (dates as serials), bool
    how: str  # string, number or boolean
    fmt: Format | None
    blank: bool = False  # write a formatted blank cell for each empty value


MAKERS: dict[str, Callable[[Sequence[Any], str], list[str | None]]] = {
    "string": string_cells,
    "number": number_cells,
    "boolean": boolean_cells,
}


def first_cell(column: Column) -> int | None:
    """Return the index of the column's first cell (None: it has none)."""
    if column.blank and column.fmt is not None:
        return 0 if column.values else None
    return next((i for i, v in enumerate(column.values) if v is not None), None)


def styles(ws: Worksheet, columns: list[Column]) -> list[str]:
    """Return each column's style attribute, numbering formats in the order xlsxwriter would.

    xlsxwriter numbers a format when its first cell is written, row by row.
    """
    firsts = [(i, c) for c, column in enumerate(columns) if (i := first_cell(column)) is not None]
    found = [""] * len(columns)
    for _, c in sorted(firsts):
        found[c] = style(ws, c, columns[c].fmt)
    return found


def cells(column: Column, s: str) -> list[str | None]:
    """Return one column's cells as the XML after `<c r=".."` (None: no cell)."""
    made = MAKERS[column.how](column.values, s)
    return blank_cells(made, s) if column.blank and column.fmt is not None else made


def row_xml(first: int, columns: list[list[str | None]]) -> Iterable[tuple[int, str]]:
    """Yield each row with cells as (row index, `<row>` element), rows from `first`."""
    refs = [xl_col_to_name(c) for c in range(len(columns))]
    for i, cells in enumerate(zip(*columns, strict=True)):
        n = first + i + 1  # the row's number in the sheet (1-based)
        body = "".join(
            f'<c r="{ref}{n}"{cell}' for ref, cell in zip(refs, cells, strict=True) if cell
        )
        if body:
            yield first + i, f'<row r="{n}">{body}</row>'


def write_rows(ws: Worksheet, first: int, columns: list[Column]) -> None:
    """Write rows of these columns' cells from row `first` (0-based), below what is written."""
    plain = ws.default_row_height == ws.original_row_height and ws.excel_version != 2010
    if not ws.constant_memory or ws.row_info or ws.comments or not plain:
        raise RuntimeError("xlsx_rows writes plain rows of constant_memory worksheets only")
    ws._write_single_row(first)  # flush the rows above (the header), as a new row would
    made = [cells(column, s) for column, s in zip(columns, styles(ws, columns), strict=True)]
    rows: list[int] = []
    chunk = []
    for row, xml in row_xml(first, made):
        rows.append(row)
        chunk.append(xml)
        if len(chunk) == ROWS_PER_WRITE:
            ws.fh.write("".join(chunk))
            chunk = []
    ws.fh.write("".join(chunk))
    if rows:
        keep_dimensions(ws, rows[0], rows[-1], [c for c, cs in enumerate(made) if any(cs)])


def keep_dimensions(ws: Worksheet, top: int, bottom: int, used: list[int]) -> None:
    """Record the written rows' extent as xlsxwriter's _check_dimensions would have."""
    ws.dim_rowmin = top if ws.dim_rowmin is None else min(ws.dim_rowmin, top)
    ws.dim_rowmax = bottom if ws.dim_rowmax is None else max(ws.dim_rowmax, bottom)
    ws.dim_colmin = used[0] if ws.dim_colmin is None else min(ws.dim_colmin, used[0])
    ws.dim_colmax = used[-1] if ws.dim_colmax is None else max(ws.dim_colmax, used[-1])
    ws.previous_row = bottom  # rows above are written: nothing may be added to them
