"""The claims' first pass: the iNO test and the Parquet index keep what a full pass would.

The iNO test normalises only the values that could match (ino_audit/ingest/stage.py
`code_test`); it must give the same answer as normalising every value. On Parquet the first
pass keeps only the iNO lines and the lines with issues or padded keys; its quarantine, counts
and loaded lines must equal those of the same rows read as CSV (one narrow row per line).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from ino_audit.ingest.casts import typed_expr
from ino_audit.ingest.schema import columns
from ino_audit.ingest.stage import code_test
from tests.casebook import CASES, write_book
from tests.conftest import audit_folder, read_csv

CODES = ["3E0F7SD", "3E0F8SD"]
VALUES = [
    "3E0F7SD",
    "3e0f7sd",
    "3E0.F7S.D",
    " 3E0F8SD ",
    "3E0 F8SD",
    "3E0F7S",
    "3E0F7SDX",
    "3E0F7SD.",
    "\u0131E0F7SD",  # dotless i upper-cases to I, but it is two bytes: the full normalisation
    "3\u0130E0F7SD",
    "",
    " ",
    None,
    "94799",
]


@pytest.mark.parametrize("stored", ["VARCHAR", "native"])
def test_code_test_equals_full_normalisation(stored):
    """Every value tests the same as `typed_expr(value) in codes` (text and non-text types)."""
    con = duckdb.connect()
    con.execute("create table t (procedure_code_1 varchar)")
    con.executemany("insert into t values (?)", [(v,) for v in VALUES])
    column = next(c for c in columns("claims") if c.name == "procedure_code_1")
    types = {"procedure_code_1": "VARCHAR"} if stored == "VARCHAR" else {}
    params: dict[str, str] = {}
    fast = code_test(column, CODES, params, types)
    full = f"coalesce({typed_expr(column, types)} in ('3E0F7SD', '3E0F8SD'), false)"
    rows = con.execute(
        f"select procedure_code_1, coalesce({fast}, false), {full} from t", params
    ).fetchall()
    assert [r[1] for r in rows] == [r[2] for r in rows], rows
    assert sum(r[2] for r in rows) == 6


def _extra_lines(claims: list[dict[str, str]]) -> list[dict[str, str]]:
    """Return lines that exercise the first pass beside the casebook's own lines."""
    ino = next(r for r in claims if r["procedure_code_1"] == "3E0F7SD")
    other = {**ino, "procedure_code_1": "", "hcpcs_code": "99213"}
    return [
        {**other, "claim_id": "X-bad-date", "claim_start_date": "2024-02-30"},
        {**other, "claim_id": "X-no-member", "member_id": ""},
        {**other, "claim_id": "X-nul", "billing_npi": "12345\x0067890"},
        {**ino, "claim_id": f"  {ino['claim_id']} ", "claim_line_number": "97"},
        {**ino, "claim_id": "C-dotted-lower", "procedure_code_1": "3e0.f7s.d"},
        {**ino, "paid_amount": "1.00"},  # a conflicting copy of an iNO line
        {**other, "claim_id": "X-clean"},
    ]


def _quarantine(out: Path) -> list[tuple[str, str, str, str]]:
    """Return the quarantine without its file paths."""
    rows = read_csv(out / "quarantine.csv")
    return [
        (r["source"], r["source_row"], r["column"], r["reason"].split(" of /")[0]) for r in rows
    ]


def test_parquet_first_pass_equals_csv(tmp_path):
    """Quarantine, counts, determinations and loaded lines agree between Parquet and CSV."""
    (tmp_path / "book").mkdir()
    book = write_book(CASES, tmp_path / "book")
    with open(book["claims"], newline="") as f:
        claims = list(csv.DictReader(f))
    rows = claims + _extra_lines(claims)
    csv_path = tmp_path / "claims.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(claims[0]))
        writer.writeheader()
        writer.writerows(rows)
    pq = tmp_path / "claims.parquet"
    duckdb.connect().read_csv(str(csv_path), all_varchar=True).write_parquet(str(pq))
    outs = {}
    for kind, path in (("csv", csv_path), ("parquet", pq)):
        outs[kind] = audit_folder({**book, "claims": str(path)}, tmp_path / kind)
    summaries = {k: json.loads((o / "summary.json").read_text()) for k, o in outs.items()}
    assert summaries["csv"]["claims"] == summaries["parquet"]["claims"]
    assert summaries["parquet"]["claims"]["input_rows"] == len(rows)
    assert summaries["parquet"]["claims"]["quarantined_rows"] == 4
    assert _quarantine(outs["csv"]) == _quarantine(outs["parquet"])
    dets = {k: read_csv(o / "determinations.csv") for k, o in outs.items()}
    assert dets["csv"] == dets["parquet"]
    assert "C-dotted-lower" in {r["claim_id"] for r in dets["parquet"]}
    loaded = {}
    for kind, out in outs.items():
        with duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True) as con:
            loaded[kind] = con.execute(
                "select claim_id, claim_line_number, source_row from claim_lines order by all"
            ).fetchall()
    assert loaded["csv"] == loaded["parquet"]
    assert ("X-clean", 1) not in {r[:2] for r in loaded["parquet"]}
    assert sum(1 for r in loaded["parquet"] if r[1] == 97) == 1  # the padded key joined its claim
