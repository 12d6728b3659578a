"""Synthetic data generator: exact sizes, determinism, contract columns and label coverage."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from ino_audit.devtools.generate import SEED_DIR, generate
from ino_audit.engine import policy, registry
from ino_audit.ingest import schema

LINES = 5000
INO_CODES = ("3E0F7SD", "3E0F8SD")
# The generator labels extracts under the default policy (CP.MP.87 05/20): its rules only.
SEVERITY = {rule.rule_id: rule.severity for rule in registry.rules() if policy.load().applies(rule)}
DETERMINATION = {
    row["severity"]: row["determination"] for row in registry.severities() if row["determination"]
}
LABELLED = {rule_id for rule_id, severity in SEVERITY.items() if severity in DETERMINATION}
WORST_FIRST = ("deny", "records", "review")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file as a list of dicts."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def query(path: Path, sql: str) -> list[tuple]:
    """Run sql against a generated file exposed as the view `t` (CSV read as text)."""
    con = duckdb.connect()
    source = (
        f"read_parquet('{path}')"
        if path.suffix == ".parquet"
        else f"read_csv('{path}', all_varchar = true)"
    )
    con.execute(f"create view t as select * from {source}")
    return con.execute(sql).fetchall()


def ino_claim_ids(claims: Path) -> set[str]:
    """Claim ids of the iNO claims (ICD-10-PCS 3E0F7SD/3E0F8SD or CPT 94799 on a line)."""
    pcs = " or ".join(f"upper(procedure_code_{i}) in {INO_CODES}" for i in range(1, 26))
    rows = query(claims, f"select distinct claim_id from t where hcpcs_code = '94799' or {pcs}")
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A CSV run of a few thousand lines with the default seed."""
    out = tmp_path_factory.mktemp("generate_csv")
    return out, generate(out, LINES, "csv", 7)


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A Parquet run large enough for the iNO share to settle near 1 %."""
    out = tmp_path_factory.mktemp("generate_parquet")
    return out, generate(out, 100_000, "parquet", 11)


def test_exact_line_count_and_counts(csv_run):
    out, counts = csv_run
    claims = read_rows(out / "claims.csv")
    assert len(claims) == LINES == counts["claim_lines"]
    assert len({r["claim_id"] for r in claims}) == counts["claims"]
    assert len(read_rows(out / "encounters.csv")) == counts["encounters"]
    assert len(read_rows(out / "members.csv")) == counts["members"]
    assert len(read_rows(out / "expected_determinations.csv")) == counts["ino_claims"]


@pytest.mark.parametrize("lines", [1, 39, 41, 1237])
def test_odd_sizes_are_exact(tmp_path, lines):
    counts = generate(tmp_path, lines, "csv", 3)
    assert len(read_rows(tmp_path / "claims.csv")) == lines == counts["claim_lines"]


def test_same_seed_same_bytes_other_seed_other_data(csv_run, tmp_path):
    out, _ = csv_run
    again = tmp_path / "again"
    generate(again, LINES, "csv", 7)
    for name in ("expected_determinations.csv", "claims.csv", "encounters.csv", "members.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, LINES, "csv", 8)
    assert (other / "claims.csv").read_bytes() != (out / "claims.csv").read_bytes()


def test_parquet_is_deterministic_in_content(parquet_run, tmp_path):
    out, _ = parquet_run
    generate(tmp_path, 100_000, "parquet", 11)
    for name in ("claims", "encounters", "members"):
        mine, theirs = out / f"{name}.parquet", tmp_path / f"{name}.parquet"
        con = duckdb.connect()
        diff = con.execute(
            f"select count(*) from ((from '{mine}' except all from '{theirs}') "
            f"union all (from '{theirs}' except all from '{mine}'))"
        ).fetchone()[0]
        assert diff == 0, name
    expected = "expected_determinations.csv"
    assert (tmp_path / expected).read_bytes() == (out / expected).read_bytes()


@pytest.mark.parametrize("run", ["csv_run", "parquet_run"])
def test_every_contract_column_present_with_allowed_values(run, request):
    out, _ = request.getfixturevalue(run)
    ext = "csv" if run == "csv_run" else "parquet"
    for source in schema.SOURCES:
        path = out / f"{source}.{ext}"
        names = [r[0] for r in query(path, "describe t")]
        for column in schema.columns(source):
            assert column.name in names, f"{source}.{column.name}"
            if column.allowed:
                values = query(
                    path, f"select distinct {column.name} from t where {column.name} is not null"
                )
                assert {str(v[0]).lower() for v in values} <= set(column.allowed), column.name


def test_ino_share_is_about_one_percent(parquet_run):
    out, counts = parquet_run
    ino = ino_claim_ids(out / "claims.parquet")
    assert len(ino) == counts["ino_claims"]
    assert 0.007 <= counts["ino_claims"] / counts["claims"] <= 0.015


@pytest.mark.parametrize("run", ["csv_run", "parquet_run"])
def test_labels_cover_exactly_the_ino_claims(run, request):
    out, _ = request.getfixturevalue(run)
    ext = "csv" if run == "csv_run" else "parquet"
    expected = {r["claim_id"] for r in read_rows(out / "expected_determinations.csv")}
    assert expected == ino_claim_ids(out / f"claims.{ext}")


def test_every_deny_records_review_rule_is_labelled(csv_run):
    out, _ = csv_run
    seen = {
        rule_id
        for row in read_rows(out / "expected_determinations.csv")
        for rule_id in row["rule_ids"].split(";")
        if rule_id
    }
    assert seen == LABELLED


def test_determination_is_the_worst_rule_and_ids_are_sorted(parquet_run):
    out, _ = parquet_run
    labels = read_rows(out / "expected_determinations.csv")
    assert {r["determination"] for r in labels} == {*DETERMINATION.values(), "supported"}
    for row in labels:
        ids = [i for i in row["rule_ids"].split(";") if i]
        assert ids == sorted(set(ids)) and set(ids) <= LABELLED, row
        worst = next((s for s in WORST_FIRST if any(SEVERITY[i] == s for i in ids)), None)
        assert row["determination"] == (DETERMINATION[worst] if worst else "supported"), row


def test_scenario_catalog_labels_are_consistent():
    scenarios = {r["scenario"] for r in read_rows(SEED_DIR / "scenarios.csv")}
    claims = read_rows(SEED_DIR / "scenario_claims.csv")
    assert {r["scenario"] for r in claims} == scenarios
    for row in claims:
        ids = [i for i in row["rule_ids"].split(";") if i]
        assert ids == sorted(ids) and set(ids) <= LABELLED, row
        worst = next((s for s in WORST_FIRST if any(SEVERITY[i] == s for i in ids)), None)
        assert row["determination"] == (DETERMINATION[worst] if worst else "supported"), row


def test_claims_are_ordered_and_well_formed(csv_run):
    out, _ = csv_run
    claims = read_rows(out / "claims.csv")
    keys = [(r["claim_id"], int(r["claim_line_number"])) for r in claims]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for r in claims:
        assert r["claim_id"][0] == "C" and len(r["claim_id"]) == 10
        assert r["member_id"][0] == "M" and len(r["member_id"]) == 8
        for npi in ("billing_npi", "rendering_npi", "facility_npi"):
            assert r[npi] == "" or (len(r[npi]) == 10 and r[npi].isdigit())
        charge, allowed, paid = (
            float(r[k]) for k in ("charge_amount", "allowed_amount", "paid_amount")
        )
        assert charge > allowed > paid >= 0
        assert "2024-01-01" <= r["claim_start_date"] <= r["claim_end_date"] < r["paid_date"]
        assert r["paid_date"] <= "2025-12-31"
        assert r["claim_start_date"] <= r["claim_line_start_date"]
        assert r["claim_line_end_date"] <= r["claim_end_date"]
        assert r["diagnosis_code_1"] != ""


def test_parquet_claims_are_in_claim_order(parquet_run):
    out, counts = parquet_run
    con = duckdb.connect()
    unordered, lines = con.execute(f"""
        select count(*) filter (where key <= previous), count(*)
        from (
            select
                (claim_id, claim_line_number) as key,
                lag((claim_id, claim_line_number)) over (order by file_row_number) as previous
            from read_parquet('{out / "claims.parquet"}', file_row_number = true)
        )
    """).fetchone()
    assert (unordered, lines) == (0, counts["claim_lines"])


def test_ino_members_have_only_ino_claims_and_the_encounters(csv_run):
    out, _ = csv_run
    claims = read_rows(out / "claims.csv")
    ino = ino_claim_ids(out / "claims.csv")
    ino_members = {c["member_id"] for c in claims if c["claim_id"] in ino}
    assert all(c["claim_id"] in ino for c in claims if c["member_id"] in ino_members)
    encounters = read_rows(out / "encounters.csv")
    assert {e["member_id"] for e in encounters} <= ino_members
    assert {e["claim_id"] for e in encounters if e["claim_id"]} <= ino
    assert any(e["claim_id"] for e in encounters) and any(not e["claim_id"] for e in encounters)
    for e in encounters:
        assert "2024-01-01T00:00:00" <= e["ino_start"] < e["ino_stop"] <= "2025-12-31T23:59:59"


def test_nothing_happens_before_birth(csv_run):
    out, _ = csv_run
    births = {m["member_id"]: m["birth_date"] for m in read_rows(out / "members.csv")}
    for c in read_rows(out / "claims.csv"):
        assert (births.get(c["member_id"]) or "") <= c["claim_start_date"]
    for e in read_rows(out / "encounters.csv"):
        assert (births.get(e["member_id"]) or "") <= e["ino_start"][:10]


def test_missing_members_only_for_incomplete_ino_claims(csv_run):
    out, _ = csv_run
    members = {m["member_id"]: m["birth_date"] for m in read_rows(out / "members.csv")}
    labels = {r["claim_id"]: r["rule_ids"] for r in read_rows(out / "expected_determinations.csv")}
    without = {
        c["claim_id"] for c in read_rows(out / "claims.csv") if not members.get(c["member_id"])
    }
    assert without, "the catalog has members without a row or a birth date"
    assert all("INO-DOC-INCOMPLETE" in labels.get(claim_id, "") for claim_id in without)


def test_codes_arrive_dotted_undotted_and_lower_case(csv_run):
    out, _ = csv_run
    codes = {r[f"diagnosis_code_{i}"] for r in read_rows(out / "claims.csv") for i in (1, 2, 3)}
    assert any("." in c for c in codes)
    assert any(c and "." not in c and len(c) > 3 for c in codes)
    assert any(c != c.upper() for c in codes)


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="format"):
        generate(tmp_path, 10, "xlsx")
    with pytest.raises(ValueError, match="claim_lines"):
        generate(tmp_path, 0)
    with pytest.raises(ValueError, match="claim_lines"):
        generate(tmp_path, 10**9)
