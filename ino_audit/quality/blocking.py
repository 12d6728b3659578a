"""The suites' blocking expectations as SQL, evaluated in the database while ingesting.

A row that fails a blocking expectation must leave its table before any rule reads it. Rather
than wait for Great Expectations (a helper process, seconds of import), ingest evaluates each
blocking row expectation of expectations/<source>.json as a set-based query over the very frame
Great Expectations later validates; Great Expectations then confirms the same failures
(ino_audit/quality/collect.py), so the suite stays the one statement of the checks.

Each expectation type has one SQL form below; values, value sets and notes are bound as
parameters, column names come from the suite (checked against the frame's columns).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb

from ino_audit.quality.suites import blocking_rows, column_of, parameters

FRAME = "suite_frame"
FAILURES_DDL = """
create or replace table blocking_failures (
    source varchar, source_file_index integer, source_row bigint,
    "column" varchar, expectation varchar, note varchar
)
"""


class Binder:
    """Collect query parameters under generated names."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        """Return the placeholder of a new parameter holding value."""
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _ident(name: str, columns: set[str]) -> str:
    """Return a frame column as a quoted identifier (it must be one of the frame's columns)."""
    if name not in columns:
        raise ValueError(f"the suite names column {name!r}, which its frame does not have")
    return '"' + name + '"'


def _bound(value: Any, suite_params: dict[str, Any], bind: Binder) -> str:
    """Return a placeholder for a threshold: a literal, a run parameter or an ISO timestamp."""
    if isinstance(value, dict):
        return bind(suite_params[value["$PARAMETER"]])
    if isinstance(value, str):
        return bind(datetime.fromisoformat(value))
    return bind(float(value))


def _between(kw: dict, col: str, params: dict, bind: Binder) -> str:
    """Outside [min, max] (strict bounds when asked); nulls pass."""
    tests = []
    if kw.get("min_value") is not None:
        op = "<=" if kw.get("strict_min") else "<"
        tests.append(f"{col} {op} {_bound(kw['min_value'], params, bind)}")
    if kw.get("max_value") is not None:
        op = ">=" if kw.get("strict_max") else ">"
        tests.append(f"{col} {op} {_bound(kw['max_value'], params, bind)}")
    return f"{col} is not null and ({' or '.join(tests)})"


def _pair(kw: dict, cols: set[str], bind: Binder) -> str:
    """Column A not above column B (or below it, with or_equal); rows missing either pass."""
    if kw.get("ignore_row_if", "both_values_are_missing") != "either_value_is_missing":
        raise ValueError("pair expectations are compiled for ignore_row_if=either_value_is_missing")
    a, b = _ident(kw["column_A"], cols), _ident(kw["column_B"], cols)
    op = ">=" if kw.get("or_equal") else ">"
    return f"{a} is not null and {b} is not null and not ({a} {op} {b})"


def _condition(e: dict[str, Any], cols: set[str], params: dict, bind: Binder) -> tuple[str, str]:
    """Return (where, qualify) conditions that select the rows failing one expectation."""
    kw, kind = e["kwargs"], e["type"]
    if "mostly" in kw:
        raise ValueError(f"{kind}: a blocking expectation cannot be partial (mostly)")
    col = _ident(kw["column"], cols) if "column" in kw else ""
    forms: dict[str, Callable[[], tuple[str, str]]] = {
        "expect_column_values_to_not_be_null": lambda: (f"{col} is null", ""),
        "expect_column_values_to_be_between": lambda: (_between(kw, col, params, bind), ""),
        "expect_column_values_to_be_in_set": lambda: (
            f"{col} is not null and not list_contains({bind(list(kw['value_set']))}, {col})",
            "",
        ),
        "expect_column_values_to_match_regex": lambda: (
            f"{col} is not null and not regexp_matches({col}, {bind(kw['regex'])})",
            "",
        ),
        "expect_column_values_to_be_unique": lambda: (
            f"{col} is not null",
            f"count(*) over (partition by {col}) > 1",
        ),
        "expect_compound_columns_to_be_unique": lambda: _compound(kw, cols),
        "expect_column_pair_values_a_to_be_greater_than_b": lambda: (_pair(kw, cols, bind), ""),
    }
    if kind not in forms:
        raise ValueError(f"{kind} has no SQL form; make it a warning or add one")
    return forms[kind]()


def _compound(kw: dict, cols: set[str]) -> tuple[str, str]:
    """Repeated combinations of the columns; rows missing all of them pass."""
    names = [_ident(c, cols) for c in kw["column_list"]]
    where = "not (" + " and ".join(f"{n} is null" for n in names) + ")"
    return where, f"count(*) over (partition by {', '.join(names)}) > 1"


def failures_sql(source: str, columns: set[str], as_of: datetime) -> tuple[str, dict[str, Any]]:
    """Return the query listing the frame rows that fail a blocking expectation, and its values.

    The query is empty ("") when the suite has no blocking row expectation.
    """
    bind, params = Binder(), {**parameters(source), "as_of": as_of}
    parts = []
    for e in blocking_rows(source):
        where, qualify = _condition(e, columns, params, bind)
        meta = e.get("meta") or {}
        parts.append(
            f"select source_file_index, source_row, {bind(column_of(e['kwargs'], meta))} as "
            f'"column", {bind(e["type"])} as expectation, {bind(meta.get("note", ""))} as note '
            f"from {FRAME} where {where}" + (f" qualify {qualify}" if qualify else "")
        )
    return "\nunion all\n".join(parts), bind.values


def find(con: duckdb.DuckDBPyConnection, source: str, as_of: datetime) -> None:
    """Add the rows of `suite_frame` failing a blocking expectation to `blocking_failures`."""
    columns = {c for (c,) in con.execute(f"select column_name from (describe {FRAME})").fetchall()}
    sql, values = failures_sql(source, columns, as_of)
    if sql:
        con.execute(
            f"insert into blocking_failures select $source, * from ({sql})",
            {**values, "source": source},
        )
