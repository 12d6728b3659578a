"""Find input files, check their headers, and expose each source as a DuckDB view.

Each source becomes a view `src_<source>` with the contract's columns (absent optional columns
as NULL), plus `source_file_index` and `source_row` (1 = first data record; blank lines are not
records, and a quoted field with line breaks stays one record). A Parquet row's number is its
file row number; a CSV row's is null here and set when the staged rows are stored (a numbering
window would make the whole scan single-threaded). CSV is read as text so that bad
values can be quarantined with their row; Parquet keeps its own types. A file that cannot be an
extract at all (missing, empty, binary, not UTF-8, no header, wrong delimiter, a required column
missing) stops the run with one sentence naming the file; a bad row is left to the quarantine.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
from duckdb import ColumnExpression, ConstantExpression, SQLExpression

from ino_audit.infra.errors import AuditError
from ino_audit.ingest.schema import aliases, columns, required

PARQUET_SUFFIXES = (".parquet", ".pq")
SNIFF_BYTES = 1 << 16
SNIFF_RECORDS = 200
OTHER_DELIMITERS = (";", "\t", "|")
# Longest CSV record the reader accepts; a longer one is quarantined, not a failure.
MAX_LINE_BYTES = 8 << 20
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
# Leading bytes of files that are often handed over by mistake instead of a CSV export.
NOT_CSV_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"SQLite format 3", "a SQLite database"),
    (b"DUCK", "a DuckDB database"),
)
UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class SourceFile:
    """One input file of a source, with its format and the contract columns it carries."""

    source: str
    path: Path
    fmt: str
    header: dict[str, str]  # contract column -> column name in the file
    names: tuple[str, ...] = ()  # CSV: the header's names, in file order
    width: int = 0  # CSV: fields per record (the header's, plus one for a trailing delimiter)
    compression: str = "none"


def resolve(source: str, pattern: str) -> list[Path]:
    """Expand a path or glob into existing files, or fail with one sentence."""
    matches = sorted(Path(p) for p in glob.glob(pattern)) if glob.has_magic(pattern) else []
    if not glob.has_magic(pattern):
        path = Path(pattern)
        if path.is_dir():
            raise AuditError(f"The {source} path {pattern} is a folder; give a file or a glob.")
        if not path.exists():
            raise AuditError(f"The {source} file {pattern} does not exist.")
        matches = [path]
    files = [p for p in matches if p.is_file()]
    if not files:
        raise AuditError(f"The {source} pattern {pattern} matches no file.")
    return files


def _head(source: str, path: Path) -> tuple[bytes, str]:
    """Return the first bytes of a file (decompressed when gzip) and its compression."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        if head.startswith(GZIP_MAGIC):
            with gzip.open(path, "rb") as f:
                return f.read(SNIFF_BYTES), "gzip"
    except (OSError, EOFError) as e:
        reason = getattr(e, "strerror", None) or "it is damaged"
        raise AuditError(f"The {source} file {path} cannot be read ({reason}).") from None
    return head, "none"


def _refuse_non_text(source: str, path: Path, head: bytes) -> None:
    """Stop with one sentence when the bytes cannot be a UTF-8 CSV extract."""
    if not head.strip():
        raise AuditError(f"The {source} file {path} is empty: it has no header row.")
    if head.startswith(UTF16_BOMS):
        raise AuditError(
            f"The {source} file {path} is UTF-16 or UTF-32 text; save it as UTF-8 CSV."
        )
    for magic, what in NOT_CSV_MAGIC:
        if head.startswith(magic):
            raise AuditError(f"The {source} file {path} is {what} (binary data), not a CSV file.")
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line or head.count(b"\x00") > len(head) // 100:
        raise AuditError(f"The {source} file {path} is not a text CSV file (it holds binary data).")
    try:
        codecs.decode(first_line.removeprefix(codecs.BOM_UTF8), "utf-8")
    except UnicodeDecodeError:
        if len(first_line) < SNIFF_BYTES:
            raise AuditError(
                f"The {source} file {path} is not UTF-8 text (its header row has other bytes)."
            ) from None


def _records(head: bytes) -> list[list[str]]:
    """Parse the header and the first records of a CSV head (a partial last record dropped)."""
    text = head.decode("utf-8-sig", errors="replace")
    records = [r for r in _take(csv.reader(io.StringIO(text)), SNIFF_RECORDS) if r]
    truncated = len(head) == SNIFF_BYTES and len(records) > 1
    return records[:-1] if truncated else records


def _take(reader, n: int) -> list[list[str]]:
    """Return up to n records from a csv reader, stopping early on a malformed one."""
    out: list[list[str]] = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= n:
                break
    except csv.Error:
        pass
    return out


def _csv_layout(source: str, path: Path) -> tuple[list[str], int, str]:
    """Check a CSV file's bytes and header; return its names, record width and compression."""
    head, compression = _head(source, path)
    _refuse_non_text(source, path, head)
    records = _records(head)
    if not records:
        raise AuditError(f"The {source} file {path} is empty: it has no header row.")
    names = [h.strip().lower() for h in records[0]]
    sample = records[1:]
    # An export that ends every data record with a delimiter its header lacks.
    trailing = (
        bool(sample)
        and names[-1] != ""
        and all(len(r) == len(names) + 1 and r[-1] == "" for r in sample)
    )
    return names, len(names) + int(trailing), compression


def _parquet_header(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> list[str]:
    """Read the column names of a Parquet file."""
    try:
        names = con.read_parquet(str(path)).columns
    except duckdb.Error:
        raise AuditError(f"The {source} file {path} is not a readable Parquet file.") from None
    return [n.strip().lower() for n in names]


def _map_header(source: str, path: Path, names: list[str]) -> dict[str, str]:
    """Map contract columns to the file's header names, failing on missing required columns."""
    alias = aliases(source)
    known = {c.name for c in columns(source)}
    found: dict[str, str] = {}
    for name in names:
        target = name if name in known else alias.get(name)
        if target and target not in found:
            found[target] = name
    missing = [c for c in required(source) if c not in found]
    if not missing:
        return found
    expected = ", ".join(required(source))
    if len(names) == 1 and any(d in names[0] for d in OTHER_DELIMITERS):
        raise AuditError(
            f"The {source} file {path} has a header of one column: it seems delimited by "
            f"something other than a comma (expected comma-separated columns {expected})."
        )
    if not found:
        raise AuditError(
            f"The {source} file {path} has no header row: its first line names none of the "
            f"expected columns ({expected})."
        )
    raise AuditError(
        f"The {source} file {path} lacks the required column(s) {', '.join(missing)}; "
        f"required are {expected}."
    )


def _is_parquet(path: Path) -> bool:
    """Return whether a file is Parquet, by its leading bytes (else by its suffix)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == PARQUET_MAGIC
    except OSError:
        return path.suffix.lower() in PARQUET_SUFFIXES


def inspect(con: duckdb.DuckDBPyConnection, source: str, pattern: str) -> list[SourceFile]:
    """Resolve a source's files and check that each carries the required columns."""
    out = []
    for path in resolve(source, pattern):
        if _is_parquet(path) or path.suffix.lower() in PARQUET_SUFFIXES:
            names = _parquet_header(con, source, path)
            out.append(SourceFile(source, path, "parquet", _map_header(source, path, names)))
            continue
        names, width, compression = _csv_layout(source, path)
        header = _map_header(source, path, names)
        out.append(SourceFile(source, path, "csv", header, tuple(names), width, compression))
    return out


def _file_relation(
    con: duckdb.DuckDBPyConnection, sf: SourceFile, index: int
) -> duckdb.DuckDBPyRelation:
    """Open one file as a relation with the contract's columns, source_file and source_row."""
    if sf.fmt == "parquet":
        rel = con.read_parquet(str(sf.path), file_row_number=True)
        row = "file_row_number + 1"
        names = {n.strip().lower(): n for n in rel.columns}
        picked = {c: names[h] for c, h in sf.header.items()}
    else:
        # Columns are renamed positionally to names of our own, so no header text reaches SQL.
        own = [f"c{i}" for i in range(sf.width)]
        rel = con.read_csv(
            str(sf.path),
            header=True,
            auto_detect=False,
            delimiter=",",
            quotechar='"',
            escapechar='"',
            encoding="utf-8",
            compression=sf.compression,  # type: ignore[arg-type]  # a validated codec name
            max_line_size=MAX_LINE_BYTES,
            columns=dict.fromkeys(own, "VARCHAR"),
            store_rejects=True,
            rejects_table=f"rejects_{sf.source}_{index}",
            rejects_scan=f"rejects_scan_{sf.source}_{index}",
        )
        # Numbered when staged, in parallel: a table created from this scan keeps the file's
        # order, so its row id is the record's ordinal (ino_audit/ingest/stage.py number_rows);
        # rejected records are mapped back later (sql/ingest/source_rows.sql).
        row = "null"
        picked = {c: own[sf.names.index(h)] for c, h in sf.header.items()}
    select = [
        ColumnExpression(picked[col.name]).alias(col.name)
        if col.name in picked
        else ConstantExpression(None).cast(duckdb.sqltypes.VARCHAR).alias(col.name)
        for col in columns(sf.source)
    ]
    select.append(
        ConstantExpression(index).cast(duckdb.sqltypes.INTEGER).alias("source_file_index")
    )
    select.append(SQLExpression(f"({row})::bigint").alias("source_row"))
    return rel.select(*select)


def register(con: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> None:
    """Create the view `src_<source>` over all files of one source and a file index table."""
    source = files[0].source
    rel = None
    for i, sf in enumerate(files):
        part = _file_relation(con, sf, i)
        rel = part if rel is None else rel.union(part)
    assert rel is not None
    rel.create_view(f"src_{source}", replace=True)
    con.execute(f"create or replace temp table files_{source} (idx integer, path varchar)")
    con.executemany(
        f"insert into files_{source} values (?, ?)", [(i, str(f.path)) for i, f in enumerate(files)]
    )
