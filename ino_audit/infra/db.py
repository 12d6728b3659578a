"""Open the audit's DuckDB database with explicit resources and a clear error when it is busy."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ino_audit.infra.errors import AuditError

DEFAULT_MEMORY_LIMIT = "3GB"
# A DuckDB database file carries this magic at byte offset 8 of its first block.
DUCKDB_MAGIC, MAGIC_OFFSET = b"DUCK", 8


def check_database_file(path: Path) -> None:
    """Refuse a path that exists but is not a DuckDB database (DuckDB would read it as data)."""
    if path.is_dir():
        raise AuditError(f"The database {path} is a folder; give a database file as --db.")
    try:
        with open(path, "rb") as f:
            head = f.read(MAGIC_OFFSET + len(DUCKDB_MAGIC))
    except FileNotFoundError:
        return
    except OSError as e:
        raise AuditError(f"The database {path} cannot be read ({e.strerror}).") from None
    if head and head[MAGIC_OFFSET:] != DUCKDB_MAGIC:
        raise AuditError(
            f"The database {path} is not a DuckDB database; give a new file name or an "
            "existing ino-audit database as --db."
        )


def connect(path: Path, threads: int | None = None, memory_limit: str | None = None):
    """Open (or create) the database file, sized for this machine, in UTC."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check_database_file(path)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            pid = re.search(r"\(PID (\d+)\)", str(e))
            holder = f" (process {pid.group(1)})" if pid else ""
            raise AuditError(
                f"The database {path} is in use by another run{holder}; wait for it to finish "
                "or give another --db."
            ) from None
        raise AuditError(f"The database {path} cannot be opened ({e}).") from None
    except duckdb.Error as e:
        raise AuditError(f"The database {path} cannot be opened ({e}).") from None
    path.chmod(0o600)  # owner-only, also when an earlier version created it readable
    con.execute(f"set threads = {int(threads or os.cpu_count() or 2)}")
    # Sized explicitly: DuckDB's default (80 % of RAM) lets a wide CSV scan grow to many GiB;
    # beyond the limit it spills to the temp directory instead.
    con.execute(f"set memory_limit = '{_size(memory_limit or DEFAULT_MEMORY_LIMIT)}'")
    con.execute("set timezone = 'UTC'")
    # A table created from a scan keeps the file's order (the default, relied on: CSV rows are
    # numbered by their place in the staged table, ino_audit/ingest/stage.py number_rows).
    con.execute("set preserve_insertion_order = true")
    con.execute(f"set temp_directory = '{_quote(str(path.parent / (path.name + '.tmp')))}'")
    return con


UNIT_BYTES = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
UNIT_BYTES |= {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(UNIT_BYTES) + ")")  # DuckDB's units


def _size(text: str) -> str:
    """Return a memory size like '4GB' after checking it has that shape."""
    if not SIZE.fullmatch(text.strip()):
        raise AuditError(f"The memory limit {text!r} is not a size such as 4GB or 512MB.")
    return text.strip()


def share(memory_limit: str | None, parts: int) -> str:
    """Return one of `parts` equal shares of a memory limit (default: the audit's), in MiB."""
    size = SIZE.fullmatch(_size(memory_limit or DEFAULT_MEMORY_LIMIT))
    assert size is not None  # _size checked the shape
    total = float(size.group(1)) * UNIT_BYTES[size.group(2)]
    return f"{max(1, int(total / max(1, parts) // 2**20))}MiB"


def _quote(text: str) -> str:
    """Quote a string for a SQL literal (settings cannot take parameters)."""
    return text.replace("'", "''")


# Connections inside a transaction() block: DuckDB aborts a transaction on a nested BEGIN, so
# an inner block joins the outer one instead of asking.
_IN_TRANSACTION: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run a block in one transaction, or inside the caller's if one is open; undo it on error.

    A run killed inside the block leaves the database as it was before the block: DuckDB
    discards the uncommitted write-ahead log when the file is next opened.
    """
    if id(con) in _IN_TRANSACTION:
        yield
        return
    con.execute("begin transaction")
    _IN_TRANSACTION.add(id(con))
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    else:
        con.execute("commit")
    finally:
        _IN_TRANSACTION.discard(id(con))
