"""Facts: the tables the rules read, built from the loaded tables by the SQL in sql/facts/.

Set-based DuckDB SQL over whole tables; Python only sequences the files.
"""

from __future__ import annotations

import duckdb

from ino_audit.infra.paths import SQL_DIR
from ino_audit.infra.sqlfiles import run_sql_file


def steps() -> list[str]:
    """Return the fact SQL files in execution order."""
    return sorted(f"derived/{p.name}" for p in (SQL_DIR / "derived").glob("*.sql"))


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the fact tables and views (links, episodes, courses, judged pairs)."""
    for step in steps():
        run_sql_file(con, step)
