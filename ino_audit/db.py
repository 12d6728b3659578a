"""Open the audit's DuckDB database with explicit resources and a clear error when it is busy."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from ino_audit.errors import AuditError


def connect(path: Path, threads: int | None = None, memory_limit: str | None = None):
    """Open (or create) the database file, sized for this machine, in UTC."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise AuditError(
                f"The database {path} is in use by another ino-audit run; wait for it or use --db."
            ) from None
        raise AuditError(f"The database {path} cannot be opened ({e}).") from None
    con.execute(f"set threads = {int(threads or os.cpu_count() or 2)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{_size(memory_limit)}'")
    con.execute("set timezone = 'UTC'")
    con.execute(f"set temp_directory = '{_quote(str(path.parent / (path.name + '.tmp')))}'")
    return con


def _size(text: str) -> str:
    """Return a memory size like '4GB' after checking it has that shape."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise AuditError(f"The memory limit {text!r} is not a size such as 4GB or 512MB.")
    return text.strip()


def _quote(text: str) -> str:
    """Quote a string for a SQL literal (settings cannot take parameters)."""
    return text.replace("'", "''")
