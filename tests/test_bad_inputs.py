"""The bad-input corpus (tests/bad_inputs/corpus.py): every fault gives its expected outcome.

Row faults share one audit; each file fault and refusal gets its own. A row is quarantined with
its file, row, column and reason and is absent from its loaded table; a warning leaves the row
loaded and names it in dq_findings.csv; a clean row loads with neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ino_audit.cli import app
from tests.bad_inputs import corpus
from tests.bad_inputs.corpus import FILE_FAULTS, REFUSALS, ROW_FAULTS, TABLES
from tests.conftest import audit_folder, read_csv


@dataclass
class RowRun:
    """The audit of the row-fault extract: its outputs and what its database loaded."""

    book: corpus.Book
    out: Path
    quarantine: dict[tuple[str, int], dict[str, str]]
    dq: list[dict[str, str]]
    loaded: set[tuple[str, int]]
    checks: dict[str, bool]


@pytest.fixture(scope="module")
def row_run(tmp_path_factory) -> RowRun:
    """Audit one extract holding every row fault; snapshot its outputs and loaded rows."""
    folder = tmp_path_factory.mktemp("row-faults")
    book = corpus.write_row_faults(folder)
    out = audit_folder(book.paths, folder / "out")
    quarantine = {(r["source"], int(r["source_row"])): r for r in read_csv(out / "quarantine.csv")}
    con = duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True)
    try:
        loaded = {
            (source, row)
            for source, table in TABLES.items()
            for (row,) in con.execute(f"select source_row from {table}").fetchall()
        }
        checks = {
            f.kind: con.execute(f.check).fetchall() == [(True,)] for f in ROW_FAULTS if f.check
        }
    finally:
        con.close()
    return RowRun(book, out, quarantine, read_csv(out / "dq_findings.csv"), loaded, checks)


@pytest.mark.parametrize("fault", ROW_FAULTS, ids=lambda f: f.kind)
def test_row_fault(row_run: RowRun, fault: corpus.Fault):
    """Each row fault is quarantined, warned about or loaded clean, at its own file row."""
    row = row_run.book.rows[fault.kind]
    q = row_run.quarantine.get((fault.source, row))
    dq = [d for d in row_run.dq if (d["source"], int(d["source_row"])) == (fault.source, row)]
    loaded = (fault.source, row) in row_run.loaded
    if fault.outcome == "quarantine":
        assert q, f"row {row} of {fault.source} is not quarantined"
        assert q["source_file"] == row_run.book.paths[fault.source]
        if fault.column:
            assert fault.column in q["column"].split(";"), q
        else:
            assert q["column"] == "", q
        assert fault.reason in q["reason"], q
        assert not loaded and not dq
    elif fault.outcome == "warning":
        assert q is None, q
        assert any(d["column"] == fault.column and fault.reason in d["expectation"] for d in dq), dq
        assert all(d["source_file"] == row_run.book.paths[fault.source] for d in dq)
        assert all(d["note"] for d in dq)
        assert loaded
    else:
        assert q is None and not dq, (q, dq)
        assert loaded == fault.in_table
        if fault.check:
            assert row_run.checks[fault.kind], fault.check


def test_rules_run_again_after_blocking_expectations(row_run: RowRun, tmp_path, monkeypatch):
    """GX runs beside the rules in a helper process; a claim whose only line it quarantines
    leaves the determinations, and the outputs equal those of validating in-process."""
    claims = {r["claim_id"] for r in read_csv(row_run.out / "determinations.csv")}
    assert {"C-negative_paid", "C-negative_units"}.isdisjoint(claims)
    assert {f"C-{i}" for i in corpus.CLEAN_IDS} <= claims
    helper = audit_folder(row_run.book.paths, tmp_path / "helper", run_id="same")
    monkeypatch.setenv("INO_AUDIT_WORKERS", "0")
    alone = audit_folder(row_run.book.paths, tmp_path / "alone", run_id="same")
    for name in ("determinations.csv", "findings.csv", "quarantine.csv", "dq_findings.csv"):
        assert (helper / name).read_bytes() == (alone / name).read_bytes(), name


def test_row_faults_reconcile(row_run: RowRun):
    """Every record written is counted, and input rows = loaded + quarantined (nothing lost)."""
    summary = json.loads((row_run.out / "summary.json").read_text())
    for source in corpus.SOURCES:
        s = summary[source]
        assert s["input_rows"] == row_run.book.records[source], source
        assert s["input_rows"] == s["loaded_rows"] + s["quarantined_rows"], source
    assert len(row_run.quarantine) == sum(summary[s]["quarantined_rows"] for s in corpus.SOURCES)


def test_every_quarantine_and_warning_names_file_and_row(row_run: RowRun):
    """No quarantine or data-quality row lacks its file, row or reason."""
    for r in [*row_run.quarantine.values(), *row_run.dq]:
        assert r["source_file"] in row_run.book.paths.values()
        assert int(r["source_row"]) >= 1
    assert all(r["reason"] for r in row_run.quarantine.values())
    assert all(d["expectation"] and d["note"] for d in row_run.dq)


def test_no_input_value_is_echoed(row_run: RowRun):
    """Reasons, notes, validation results and Data Docs never repeat an input value (PHI)."""
    values = {
        "M-negative_paid",
        "M-future_birth",
        "2999-01-01",
        "1800-01-01",
        "2023-01-01",
        "P29.31",
        "P2931",
        "12345",
        "Texas",
        "$1,000.00",
        "-150.00",
        "inpatient",
        "self-pay",
        "N/A",
        "ETT",
        "maybe",
        "Jos",
    }
    texts = [
        " ".join(r["column"] + " " + r["reason"] for r in row_run.quarantine.values()),
        " ".join(d["column"] + " " + d["expectation"] + " " + d["note"] for d in row_run.dq),
        *(p.read_text() for p in (row_run.out / "validation").glob("*.json")),
        *(p.read_text() for p in (row_run.out / "validation" / "data_docs").rglob("*.html")),
    ]
    for text in texts:
        assert not [v for v in values if v in text]


def test_validation_results_and_data_docs(row_run: RowRun):
    """Each suite's GX result is kept as JSON (counts, no values) and rendered as Data Docs."""
    folder = row_run.out / "validation"
    for suite in ("claims", "encounters", "members"):
        data = json.loads((folder / f"{suite}.json").read_text())
        assert data["suite_name"] == suite
        assert data["statistics"]["evaluated_expectations"] > 0
        for r in data["results"]:
            assert "unexpected_list" not in r["result"]
            assert "partial_unexpected_list" not in r["result"]
            meta = r["expectation_config"]["meta"]
            assert meta["note"] and isinstance(meta["blocking"], bool)
    assert (folder / "data_docs" / "index.html").exists()
    summary = json.loads((row_run.out / "summary.json").read_text())
    validation = summary["validation"]
    assert validation["quarantined_rows"] > 0 and validation["dq_findings"] > 0


def test_validate_command_matches_audit(row_run: RowRun, tmp_path):
    """`ino-audit validate` loads and checks alone: same quarantine and warnings, exit 0."""
    paths = row_run.book.paths
    args = ["validate", "--claims", paths["claims"], "--encounters", paths["encounters"]]
    args += ["--members", paths["members"], "--out", str(tmp_path / "v")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "rows quarantined by blocking expectations" in " ".join(result.output.split())
    assert read_csv(tmp_path / "v" / "quarantine.csv") == read_csv(row_run.out / "quarantine.csv")
    assert read_csv(tmp_path / "v" / "dq_findings.csv") == read_csv(row_run.out / "dq_findings.csv")
    assert (tmp_path / "v" / "validation" / "claims.json").exists()


@pytest.fixture(scope="module")
def clean_determinations(tmp_path_factory) -> list[dict[str, str]]:
    """Audit the clean three-case extract the file faults start from."""
    folder = tmp_path_factory.mktemp("clean")
    return read_csv(audit_folder(corpus.write_clean(folder), folder / "out") / "determinations.csv")


@pytest.mark.parametrize("fault", FILE_FAULTS, ids=lambda f: f.kind)
def test_file_format_loads(tmp_path, fault: corpus.FileFault, clean_determinations):
    """Formats that must just work load every row with nothing quarantined or warned."""
    paths, _ = corpus.write_file_fault(tmp_path, fault)
    out = audit_folder(paths, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text())
    assert summary[fault.source]["input_rows"] == fault.rows
    for source in corpus.SOURCES:
        assert summary[source]["quarantined_rows"] == 0, source
    assert read_csv(out / "dq_findings.csv") == []
    if fault.rows:
        assert read_csv(out / "determinations.csv") == clean_determinations


@pytest.mark.parametrize("fault", REFUSALS, ids=lambda f: f.kind)
def test_refusal_is_one_sentence(tmp_path, fault: corpus.Refusal):
    """Inputs that cannot be an extract exit 2 with one sentence naming the file, no traceback."""
    paths, target = corpus.write_file_fault(tmp_path, fault)
    args = ["audit", "--claims", paths["claims"], "--encounters", paths["encounters"]]
    args += ["--members", paths["members"], "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    text = result.output.strip()
    assert result.exit_code == 2, text
    assert fault.expected in text
    assert target in text
    assert "Traceback" not in text and "\n" not in text
    assert text.endswith(".")
    assert "M-clean" not in text  # no value of the file is echoed


def test_same_file_twice_in_a_glob(tmp_path):
    """A file repeated under another name in a glob: its rows are duplicates, not added twice."""
    paths = corpus.write_clean(tmp_path / "in")
    copy = tmp_path / "in" / "claims_copy.csv"
    copy.write_bytes(Path(paths["claims"]).read_bytes())
    out = audit_folder({**paths, "claims": str(tmp_path / "in" / "claims*.csv")}, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text())
    rows = len(corpus.CLEAN_IDS)
    assert summary["claims"] == {
        "input_rows": 2 * rows,
        "loaded_rows": rows,
        "quarantined_rows": rows,
    }
    quarantined = read_csv(out / "quarantine.csv")
    assert {r["source_file"] for r in quarantined} == {str(copy)}
    assert all("duplicate of row" in r["reason"] for r in quarantined)
