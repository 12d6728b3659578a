"""The rows each suite validates ("frames"), as a table in the database and a Parquet file.

While ingesting, each suite's frame is written once as Parquet: the blocking expectations run
on that file in SQL (the view `suite_frame`, ino_audit/quality/blocking.py) and Great
Expectations validates the same file in the helper process. Frames hold member ids and dates,
so they are written beside the database in an owner-only folder (never the system temp) and
removed when the results are in, or at the next start after a kill.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from ino_audit.infra import safe_io
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.quality.blocking import FRAME

FRAMES_SUFFIX = ".frames"
# A written frame: its Parquet path and the pandas dtypes GX compares vectorised.
Frame = tuple[str, dict[str, str]]


def relation(
    con: duckdb.DuckDBPyConnection, source: str
) -> tuple[duckdb.DuckDBPyRelation, dict[str, str]]:
    """Return the relation a suite validates and the pandas dtypes GX compares vectorised.

    Text becomes Python strings (GX checks their type per value, and filters object columns
    faster than Arrow ones). Dates and timestamps become datetime64[ns]: GX 1.24 falls back to a
    per-value Python loop for other units. Values beyond the nanosecond range are squeezed
    towards it, keeping their order (sql/quality/macros.sql).
    """
    run_sql_file(con, "quality/macros.sql")
    rel = con.sql(read_sql(f"quality/frame_{source}.sql"))
    kinds = dict(zip(rel.columns, map(str, rel.types), strict=True))
    stamps = {
        c: f"ns_safe({c})" if t == "TIMESTAMP" else f"ns_safe(as_timestamp({c}))"
        for c, t in kinds.items()
        if t in ("DATE", "TIMESTAMP")
    }
    if stamps:
        rel = rel.select("* replace (" + ", ".join(f"{e} as {c}" for c, e in stamps.items()) + ")")
    text = {c: "object" for c, t in kinds.items() if t == "VARCHAR"}
    return rel, text | dict.fromkeys(stamps, "datetime64[ns]")


def pandas_frame(con: duckdb.DuckDBPyConnection, source: str):
    """Return the pandas frame a suite validates, read from the loaded tables (tests, tools)."""
    rel, dtypes = relation(con, source)
    return rel.df().astype(dtypes)


def materialise(con: duckdb.DuckDBPyConnection, source: str, folder: Path) -> Frame:
    """Write a suite's frame as Parquet into folder and expose that file as `suite_frame`.

    The blocking SQL reads the very file Great Expectations validates: the same rows, the same
    values (timestamps squeezed into pandas' range alike).
    """
    rel, dtypes = relation(con, source)
    path = folder / f"{source}.parquet"
    rel.write_parquet(str(path))
    con.read_parquet(str(path)).create_view(FRAME, replace=True)
    return str(path), dtypes


def root(database: Path) -> Path:
    """Return the folder beside a database where the helper's frames are written."""
    return database.parent / (database.name + FRAMES_SUFFIX)


def clear(database: Path) -> None:
    """Remove frames a killed run left beside its database (they hold member ids and dates)."""
    safe_io.remove_tree(root(database))


def new_folder(con: duckdb.DuckDBPyConnection) -> Path:
    """Return a new owner-only folder for frames beside the database (never the system temp)."""
    ((path,),) = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    if not path:  # an in-memory database (tests): nothing to be beside
        return Path(tempfile.mkdtemp(prefix="ino-audit-frames-"))
    base = root(Path(path))
    base.mkdir(mode=0o700, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=base, prefix="run-"))
