"""The fault corpus of issue 13: bad numbers never change a determination, PHI never lands where
it should not. One case (or more) per item; the row faults of items 1-2 (CSV text) live in
tests/bad_inputs/corpus.py with the others. Every audit here also checks that input rows =
loaded + quarantined.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.bad_inputs import corpus
from tests.conftest import audit_folder, read_csv


def reconciles(out: Path) -> dict:
    """Assert input rows = loaded + quarantined for every source; return the summary."""
    summary = json.loads((out / "summary.json").read_text())
    for source in corpus.SOURCES:
        s = summary[source]
        assert s["input_rows"] == s["loaded_rows"] + s["quarantined_rows"], source
    return summary


def to_parquet(csv_path: str, path: Path, casts: dict[str, str]) -> str:
    """Write a CSV extract as Parquet with some columns cast to native types; return the path."""
    con = duckdb.connect()
    try:
        rel = con.read_csv(csv_path, all_varchar=True)
        select = ", ".join(f"({casts[c]}) as {c}" if c in casts else c for c in rel.columns)
        con.sql(f"select {select} from rel").write_parquet(str(path))
    finally:
        con.close()
    return str(path)


# ------------------------------------------------------------------ 1. NaN, infinities, range


def test_native_parquet_nan_and_overflow_are_quarantined(tmp_path):
    """Native Parquet doubles: NaN/inf/1e300 money and NaN/inf measures are quarantined with
    their column and reason; the run finishes and the clean claims keep their determinations."""
    paths = corpus.write_clean(tmp_path / "csv")
    # clean-a: NaN paid; clean-b: charge 1e300; clean-c stays clean.
    paths["claims"] = to_parquet(
        paths["claims"],
        tmp_path / "claims.parquet",
        {
            "paid_amount": "case when claim_id = 'C-clean-a' then 'nan'::double "
            "else paid_amount::double end",
            "charge_amount": "case when claim_id = 'C-clean-b' then 1e300 end",
        },
    )
    paths["encounters"] = to_parquet(
        paths["encounters"],
        tmp_path / "encounters.parquet",
        {
            "oxygenation_index": "case when encounter_id = 'E-clean-a' then 'nan'::double "
            "else oxygenation_index::double end",
            "gestational_age_weeks": "case when encounter_id = 'E-clean-b' then 'inf'::double "
            "else gestational_age_weeks::double end",
        },
    )
    out = audit_folder(paths, tmp_path / "out")
    summary = reconciles(out)
    assert summary["claims"]["quarantined_rows"] == 2
    assert summary["encounters"]["quarantined_rows"] == 2
    q = {(r["source"], r["source_row"]): r for r in read_csv(out / "quarantine.csv")}
    assert q[("claims", "1")]["column"] == "paid_amount"
    assert "not an amount" in q[("claims", "1")]["reason"]
    assert q[("claims", "2")]["column"] == "charge_amount"
    assert q[("encounters", "1")]["column"] == "oxygenation_index"
    assert "NaN, infinite" in q[("encounters", "1")]["reason"]
    assert q[("encounters", "2")]["column"] == "gestational_age_weeks"
    assert all(r["source_file"].endswith(".parquet") for r in q.values())
    dets = {r["claim_id"]: r for r in read_csv(out / "determinations.csv")}
    assert set(dets) == {"C-clean-c"}
    assert dets["C-clean-c"]["determination"] == "supported"


# ------------------------------------------------------------------ 3. provider ids as markup


@pytest.mark.parametrize("provider", ["$\\frac{1}{$", "$x^$", "a$b$c", "\\$100$"])
def test_provider_ids_are_text_in_charts(provider):
    """A provider id holding `$...$` (matplotlib mathtext) is drawn as the text it is."""
    from ino_audit import charts

    rows = [
        {
            "provider_id": provider if i == 0 else f"P{i}",
            "mean_episode_hours": 500.0 if i == 0 else 20.0 + i,
            "episodes": 10,
            "is_peer": True,
            "is_outlier": i == 0,
        }
        for i in range(8)
    ]
    svg = charts.peer_chart(rows, 48)
    escaped = provider.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in svg


# ------------------------------------------------------------------ 4. --db that is no database


def one_sentence(result) -> str:
    """Assert a CLI result is exit 2 with one sentence and no traceback; return the sentence."""
    text = " ".join(result.output.split())
    assert result.exit_code == 2, text
    assert "Traceback" not in text and text.endswith(".")
    return text


def test_db_path_that_is_not_a_database_is_refused(tmp_path):
    """`--db claims.csv` (an existing file that is not DuckDB) is refused, never run in memory."""
    from tests.conftest import run_cli

    paths = corpus.write_clean(tmp_path / "in")
    before = Path(paths["claims"]).read_bytes()
    result = run_cli("audit", paths, tmp_path / "out", "--db", paths["claims"])
    text = one_sentence(result)
    assert f"The database {paths['claims']} is not a DuckDB database" in text
    assert Path(paths["claims"]).read_bytes() == before
    assert not (tmp_path / "out" / "determinations.csv").exists()
