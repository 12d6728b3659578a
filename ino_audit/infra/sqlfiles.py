"""Run the project's SQL files; template fields are filled only from the project's constants."""

from __future__ import annotations

from functools import cache

import duckdb

from ino_audit.infra.paths import SQL_DIR


@cache
def read_sql(name: str) -> str:
    """Return the text of sql/<name>."""
    return (SQL_DIR / name).read_text()


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, **fields: str) -> None:
    """Execute every statement of sql/<name>, filling `{field}` templates from constants."""
    text = read_sql(name)
    if fields:
        text = text.format(**fields)
    con.execute(text)
