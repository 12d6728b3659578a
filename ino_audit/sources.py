"""Find input files, check their headers, and expose each source as a DuckDB view.

Each source becomes a view `src_<source>` with the contract's columns (absent optional columns
as NULL), plus `source_file` and `source_row` (1 = first data row). CSV is read as text so that
bad values can be quarantined with their row; Parquet keeps its own types.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
from duckdb import ColumnExpression, ConstantExpression, SQLExpression

from ino_audit.errors import AuditError
from ino_audit.schema import aliases, columns, required

PARQUET_SUFFIXES = (".parquet", ".pq")
SNIFF_BYTES = 1 << 16
OTHER_DELIMITERS = (";", "\t", "|")


@dataclass(frozen=True)
class SourceFile:
    """One input file of a source, with its format and the contract columns it carries."""

    source: str
    path: Path
    fmt: str
    header: dict[str, str]  # contract column -> column name in the file


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


def _csv_header(source: str, path: Path) -> list[str]:
    """Read and check the header line of a CSV file without loading the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as e:
        raise AuditError(f"The {source} file {path} cannot be read ({e.strerror}).") from None
    if not head.strip():
        raise AuditError(f"The {source} file {path} is empty: it has no header row.")
    if b"\x00" in head:
        raise AuditError(f"The {source} file {path} is not a text CSV file (it holds binary data).")
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise AuditError(f"The {source} file {path} is not UTF-8 text.") from None
    first = next(csv.reader(io.StringIO(text)), [])
    return [h.strip().lower() for h in first]


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
    found: dict[str, str] = {}
    for name in names:
        target = name if name in {c.name for c in columns(source)} else alias.get(name)
        if target and target not in found:
            found[target] = name
    missing = [c for c in required(source) if c not in found]
    if missing:
        hint = ""
        if len(names) == 1 and any(d in names[0] for d in OTHER_DELIMITERS):
            hint = " (its header has one column: is it delimited by something other than a comma?)"
        raise AuditError(
            f"The {source} file {path} lacks the required column(s) {', '.join(missing)}{hint}; "
            f"required are {', '.join(required(source))}."
        )
    return found


def inspect(con: duckdb.DuckDBPyConnection, source: str, pattern: str) -> list[SourceFile]:
    """Resolve a source's files and check that each carries the required columns."""
    out = []
    for path in resolve(source, pattern):
        fmt = "parquet" if path.suffix.lower() in PARQUET_SUFFIXES else "csv"
        names = (
            _parquet_header(con, source, path) if fmt == "parquet" else _csv_header(source, path)
        )
        out.append(SourceFile(source, path, fmt, _map_header(source, path, names)))
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
        header = _csv_header(sf.source, sf.path)
        # Columns are renamed positionally to names of our own, so no header text reaches SQL.
        own = [f"c{i}" for i in range(len(header))]
        rel = con.read_csv(
            str(sf.path),
            header=True,
            delimiter=",",
            quotechar='"',
            escapechar='"',
            encoding="utf-8",
            columns=dict.fromkeys(own, "VARCHAR"),
            store_rejects=True,
            rejects_table=f"rejects_{sf.source}_{index}",
            rejects_scan=f"rejects_scan_{sf.source}_{index}",
        )
        # The streaming row_number keeps file order; rejected rows are mapped back later.
        row = "row_number() over ()"
        picked = {c: own[header.index(h)] for c, h in sf.header.items()}
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
