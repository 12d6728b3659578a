"""The staging checks' quick paths give the answers of the full checks, on hostile text.

A text value that the plain cast of its untrimmed text accepts skips the trimming of the full
type check, and a value written exactly as listed skips the allowed-values normalisation
(ino_audit/ingest/staging.py `_type_check`, `checks`); both must block exactly the values the
full checks block. Dates and timestamps must be calendar dates of the common era.
"""

from __future__ import annotations

import duckdb
import pytest

from ino_audit.ingest import casts, staging
from ino_audit.ingest.schema import SOURCES, columns

VALUES = [
    "2024-01-02",
    " 2024-01-02 ",
    "2024-01-02 ",
    "\t2024-01-02",
    "2024-02-30",
    "2024-1-2",
    "2024-01-02T10:00",
    "2024-01-02 10:00:00 ",
    " 2024-01-02T10:00Z ",
    "2024-01-02 10:00+01:00",
    "infinity",
    " -infinity ",
    "inf",
    "epoch",
    " EPOCH ",
    "-0001-01-01",
    "0044-03-15 (BC)",
    "0001-01-01",
    "10000-01-01",
    "9999-12-31 23:59:59",
    "12",
    " 12 ",
    "-0",
    "1e3",
    " 1.5 ",
    "12.345",
    "1,000",
    "1_000",
    "0x1F",
    "99999999999999999999",
    "nan",
    " NaN ",
    "-inf",
    "institutional",
    " Institutional ",
    "PROFESSIONAL",
    "other",
    "true",
    " Y ",
    "",
    " ",
    None,
]


def _reference(col, types) -> str:
    """Return the full type check, without the quick path."""
    typed = casts.typed_expr(col, types)
    bad = f"{typed} is null"
    if col.type in ("date", "timestamp"):
        bad = f"coalesce(not {staging._calendar(typed, casts.trimmed(col.name))}, true)"
    return f"{casts.trimmed(col.name)} is not null and {bad}"


CHECKED = [
    (source, col)
    for source in SOURCES
    for col in columns(source)
    if col.type in staging.TYPE_LABEL or col.allowed
]


@pytest.mark.parametrize(("source", "col"), CHECKED, ids=[f"{s}.{c.name}" for s, c in CHECKED])
def test_quick_paths_answer_as_the_full_checks(source, col):
    """Every hostile value is blocked by the quick check exactly when the full check blocks it."""
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    con.execute(f"create table t ({col.name} varchar)")
    con.executemany("insert into t values (?)", [(v,) for v in VALUES])
    types = {col.name: "VARCHAR"}
    tests = []
    if col.type in staging.TYPE_LABEL:
        tests.append((staging._type_check(col, types), _reference(col, types)))
    if col.allowed:
        allowed = ", ".join(f"'{v}'" for v in col.allowed)
        full = f"coalesce(lower({casts.trimmed(col.name)}) not in ({allowed}), false)"
        listed = [c for c, _, r in staging.checks(col, types) if r.startswith("value is not one")]
        quick = listed[0]
        tests.append((quick, full))
    for quick, full in tests:
        rows = con.execute(
            f"select {col.name}, coalesce({quick}, false), coalesce({full}, false) from t"
        ).fetchall()
        assert [r[1] for r in rows] == [r[2] for r in rows], [r for r in rows if r[1] != r[2]]


@pytest.mark.parametrize("name", ["claim_start_date", "ino_start"])
def test_only_calendar_dates_pass(name):
    """DuckDB reads 'infinity', 'epoch' and years outside 1-9999 as dates; none is a date an
    extract means, so text and native columns block them; a real but implausible date (1800,
    year 1, 9999-12-31) passes to the suites' warnings."""
    source = "claims" if name == "claim_start_date" else "encounters"
    col = next(c for c in columns(source) if c.name == name)
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    text = staging._type_check(col, {name: "VARCHAR"})
    blocked = ["infinity", " -infinity ", "epoch", " Epoch ", "-0001-01-01", "0044-03-15 (BC)"]
    blocked += ["10000-01-01"]
    passed = ["0001-01-01", "1800-01-01", "2024-01-02", " 2024-01-02 ", "2024-01-02T10:00Z"]
    passed += ["9999-12-31"]
    for value in blocked + passed:
        got = con.execute(f"select {text} from (select $v::varchar as {name})", {"v": value})
        assert got.fetchall() == [(value in blocked,)], value
    native_type = "date" if col.type == "date" else "timestamp"
    native = " or ".join(c for c, _, _ in staging.checks(col, {name: native_type.upper()}))
    for value, block in (("infinity", True), ("0044-03-15 (BC)", True), ("1800-01-01", False)):
        query = f"select {native} from (select $v::{native_type} as {name})"
        got = con.execute(query, {"v": value})
        assert got.fetchall() == [(block,)], value
