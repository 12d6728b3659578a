"""Scan a CSV file's raw bytes for its record lines: blank lines and bare carriage returns.

DuckDB's line numbers count blank lines, which are not records, and its strict reader stops on a
carriage return outside quotes. `scan_lines` finds both, so that the quarantine numbers rejected
rows as data rows and `diagnose` names the line in its one-sentence refusal.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ino_audit.infra.errors import AuditError
from ino_audit.ingest.sources import SourceFile

SCAN_CHUNK = 16 << 20
NEWLINE, CARRIAGE_RETURN, QUOTE = 10, 13, 34


@dataclass(frozen=True)
class LineScan:
    """Where a CSV file's records start, as DuckDB numbers them (the header is line 1)."""

    blank_lines: np.ndarray  # line numbers of blank lines (DuckDB skips them, counting them)
    bare_cr_lines: np.ndarray  # line numbers of records holding a carriage return outside quotes


def _chunks(sf: SourceFile) -> Iterator[bytes]:
    """Yield the file's bytes in chunks (decompressed when gzip)."""
    opener = gzip.open if sf.compression == "gzip" else open
    with opener(sf.path, "rb") as f:
        while chunk := f.read(SCAN_CHUNK):
            yield chunk


def scan_lines(sf: SourceFile) -> LineScan:
    """Find a CSV file's blank lines and bare carriage returns, vectorised over its bytes.

    A line break ends a record when the quotes before it are balanced; a record that is empty
    (or only a carriage return) is a blank line. Quote parity is an approximation of the reader
    (a quote inside an unquoted field counts too), good for numbering and for messages.
    """
    ends: list[np.ndarray] = []  # file offsets of record-ending line breaks
    crs: list[np.ndarray] = []  # file offsets of carriage returns outside quotes
    parity, offset = 0, 0
    for chunk in _chunks(sf):
        a = np.frombuffer(chunk, np.uint8)
        quotes = (a == QUOTE).astype(np.uint8)
        inside = (np.bitwise_xor.accumulate(quotes) ^ parity) ^ quotes  # parity before each byte
        outside = inside == 0
        ends.append(np.flatnonzero((a == NEWLINE) & outside) + offset)
        crs.append(np.flatnonzero((a == CARRIAGE_RETURN) & outside) + offset)
        parity = int(inside[-1] ^ quotes[-1])
        offset += len(a)
    end = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    cr = np.concatenate(crs) if crs else np.zeros(0, np.int64)
    # Line k (k >= 2) runs from end[k-2] + 1 to end[k-1]: blank when nothing (or only a CR) is
    # between two record-ending line breaks.
    gap = np.diff(end)
    crlf = np.isin(end[1:] - 1, cr)
    blank = np.flatnonzero((gap == 1) | ((gap == 2) & crlf)) + 2
    bare = cr[~np.isin(cr + 1, end)]
    return LineScan(blank, np.searchsorted(end, bare, side="right") + 1)


def diagnose(source: str, files: list[SourceFile], message: str) -> AuditError:
    """Return the one-sentence error for a CSV the reader stopped on (never its content)."""
    named = [sf for sf in files if f"file = {sf.path}" in message] or files
    for sf in (f for f in named if f.fmt == "csv"):
        bare = scan_lines(sf).bare_cr_lines
        if len(bare):
            return AuditError(
                f"The {source} file {sf.path} has a carriage return inside an unquoted field "
                f"(line {int(bare[0])}); quote that field or remove the character."
            )
    where = f"file {named[0].path}" if len(named) == 1 else "files"
    return AuditError(
        f"The {source} {where} cannot be parsed as CSV (the reader stopped at a quote or line "
        "break it cannot place); export it again as standard CSV."
    )
