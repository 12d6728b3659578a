"""Blocking expectations in SQL (ino_audit/quality/blocking.py) and their confirmation by GX.

Ingest quarantines what the suites' blocking expectations block by evaluating them in SQL; Great
Expectations validates the same frames beside the rules and must block exactly the same rows, or
the run stops (ino_audit/quality/collect.py).
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from ino_audit.infra.errors import AuditError
from ino_audit.quality import blocking
from ino_audit.quality.suites import SUITE_TABLES, blocking_rows, suite_dicts
from tests.bad_inputs import corpus
from tests.conftest import audit_folder


def suite_columns(source: str) -> set[str]:
    """Return every column a suite names (its frame has at least these)."""
    names: set[str] = set()
    for e in suite_dicts()[source]["expectations"]:
        kw = e["kwargs"]
        names |= {kw[k] for k in ("column", "column_A", "column_B") if k in kw}
        names |= set(kw.get("column_list", [])) | set(kw.get("column_set", []))
    return names


@pytest.mark.parametrize("source", list(SUITE_TABLES))
def test_every_blocking_expectation_has_a_sql_form(source):
    """Each blocking row expectation compiles; its values are bound, never spliced in."""
    sql, values = blocking.failures_sql(source, suite_columns(source), datetime(2026, 1, 1))
    assert sql.count("select ") == len(blocking_rows(source)) > 0
    notes = [e["meta"]["note"] for e in blocking_rows(source)]
    assert all(note not in sql and note in values.values() for note in notes)


def test_an_expectation_without_sql_form_is_refused():
    """A blocking expectation type with no SQL form stops with a sentence, not a wrong query."""
    e = {"type": "expect_column_kl_divergence_to_be_less_than", "kwargs": {"column": "fio2"}}
    with pytest.raises(ValueError, match="has no SQL form"):
        blocking._condition(e, {"fio2"}, {}, blocking.Binder())


def test_a_partial_blocking_expectation_is_refused():
    """`mostly` would let some failing rows through: a blocking expectation cannot have it."""
    e = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x", "mostly": 0.9}}
    with pytest.raises(ValueError, match="mostly"):
        blocking._condition(e, {"x"}, {}, blocking.Binder())


def test_blocking_rows_leave_before_the_rules(tmp_path):
    """Rows failing blocking expectations are quarantined by ingest, so no rule ever sees them."""
    book = corpus.write_row_faults(tmp_path)
    out = audit_folder(book.paths, tmp_path / "out")
    con = duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True)
    try:
        blocked = con.execute(
            "select count(distinct (source, source_file_index, source_row)) from blocking_failures"
        ).fetchall()[0][0]
        quarantined = con.execute(
            "select count(*) from quarantine where expectation is not null"
        ).fetchall()[0][0]
        judged = {c for (c,) in con.execute("select claim_id from judged_pairs").fetchall()}
    finally:
        con.close()
    summary = json.loads((out / "summary.json").read_text())
    assert blocked == quarantined == summary["validation"]["quarantined_rows"] > 0
    assert {"C-negative_paid", "C-negative_units"}.isdisjoint(judged)


def test_disagreement_with_great_expectations_stops_the_run(tmp_path, monkeypatch):
    """If the SQL form misses rows GX blocks, the audit stops naming the suite: never silent."""
    book = corpus.write_row_faults(tmp_path)
    monkeypatch.setattr(blocking, "_between", lambda *args: "false")
    with pytest.raises(AuditError, match=r"disagree on \d+ failing row"):
        audit_folder(book.paths, tmp_path / "out")
