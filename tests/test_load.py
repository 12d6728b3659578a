"""Loading: reconciliation, quarantine reasons, Tuva layouts, and refusals with one sentence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.casebook import CASES, write_book
from tests.conftest import audit_folder, read_csv, run_cli

TUVA_MEDICAL_CLAIM = [
    "claim_id",
    "claim_line_number",
    "claim_type",
    "person_id",
    "member_id",
    "payer",
    "plan",
    "claim_start_date",
    "claim_end_date",
    "claim_line_start_date",
    "claim_line_end_date",
    "admission_date",
    "discharge_date",
    "admit_source_code",
    "admit_type_code",
    "discharge_disposition_code",
    "place_of_service_code",
    "bill_type_code",
    "drg_code_type",
    "drg_code",
    "revenue_center_code",
    "service_unit_quantity",
    "hcpcs_code",
    "hcpcs_modifier_1",
    "rendering_npi",
    "rendering_tin",
    "billing_npi",
    "billing_tin",
    "facility_npi",
    "paid_date",
    "paid_amount",
    "allowed_amount",
    "charge_amount",
    "coinsurance_amount",
    "copayment_amount",
    "deductible_amount",
    "total_cost_amount",
    "in_network_flag",
    "diagnosis_code_type",
    *[f"diagnosis_code_{i}" for i in range(1, 26)],
    *[f"diagnosis_poa_{i}" for i in range(1, 26)],
    "procedure_code_type",
    *[f"procedure_code_{i}" for i in range(1, 26)],
    *[f"procedure_date_{i}" for i in range(1, 26)],
    "data_source",
    "file_name",
    "file_date",
    "ingest_datetime",
]
TUVA_ELIGIBILITY = [
    "person_id",
    "member_id",
    "subscriber_id",
    "gender",
    "race",
    "birth_date",
    "death_date",
    "death_flag",
    "enrollment_start_date",
    "enrollment_end_date",
    "payer",
    "payer_type",
    "plan",
    "original_reason_entitlement_code",
    "dual_status_code",
    "medicare_status_code",
    "first_name",
    "last_name",
    "social_security_number",
    "subscriber_relation",
    "address",
    "city",
    "state",
    "zip_code",
    "phone",
    "data_source",
    "file_name",
    "file_date",
    "ingest_datetime",
]


def write(path: Path, header: list[str], rows: list[dict]) -> str:
    """Write rows under a header (missing keys empty); return the path."""
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})
    return str(path)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> dict[str, str]:
    """Write the rules casebook as clean input files."""
    return write_book(CASES, tmp_path_factory.mktemp("book"))


def test_reconciliation_on_casebook(casebook_run):
    """For every source, input rows = loaded + quarantined."""
    summary = json.loads((casebook_run / "summary.json").read_text())
    for source in ("claims", "encounters", "members"):
        s = summary[source]
        assert s["input_rows"] == s["loaded_rows"] + s["quarantined_rows"]
        assert s["input_rows"] > 0
    assert summary["ino_claims"] == sum(summary["determinations"].values())


def test_bad_rows_are_quarantined_with_file_row_and_column(tmp_path, book):
    """Bad dates, duplicates, ragged rows and stop-before-start are quarantined, not dropped."""
    lines = Path(book["claims"]).read_text().splitlines()
    header, first = lines[0], lines[1]
    cells = first.split(",")
    bad_date = ",".join(["X1", *cells[1:4], "2024-02-30", *cells[5:]])
    ragged = first + ",surplus"
    claims = tmp_path / "claims.csv"
    claims.write_text("\n".join([header, first, first, bad_date, ragged, *lines[2:]]) + "\n")
    enc = Path(book["encounters"]).read_text().splitlines()
    ecells = enc[1].split(",")
    start, stop = ecells[3], ecells[4]
    ecells[0], ecells[3], ecells[4] = "E-backwards", stop, start
    encounters = tmp_path / "encounters.csv"
    encounters.write_text("\n".join([*enc, ",".join(ecells)]) + "\n")
    out = audit_folder(
        {"claims": str(claims), "encounters": str(encounters), "members": book["members"]},
        tmp_path / "out",
    )
    q = {(r["source"], r["source_row"]): r for r in read_csv(out / "quarantine.csv")}
    assert "duplicate of row 1" in q[("claims", "2")]["reason"]
    assert q[("claims", "3")]["column"] == "claim_start_date"
    assert "more fields than the header" in q[("claims", "4")]["reason"]
    assert q[("claims", "2")]["source_file"] == str(claims)
    assert "ino_stop is not after ino_start" in q[("encounters", str(len(enc)))]["reason"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["claims"]["quarantined_rows"] == 3
    assert summary["claims"]["input_rows"] == len(lines) - 1 + 3
    assert summary["encounters"]["quarantined_rows"] == 1


def test_rows_after_a_rejected_row_keep_their_file_row(tmp_path, book):
    """A row after an unparseable one is reported with its true row number."""
    lines = Path(book["claims"]).read_text().splitlines()
    cells = lines[2].split(",")
    cells[4] = "not-a-date"
    claims = tmp_path / "claims.csv"
    claims.write_text("\n".join([lines[0], lines[1] + ",x,y", ",".join(cells), *lines[3:]]) + "\n")
    out = audit_folder({**book, "claims": str(claims)}, tmp_path / "out")
    rows = {r["source_row"]: r for r in read_csv(out / "quarantine.csv")}
    assert set(rows) == {"1", "2"}
    assert rows["2"]["column"] == "claim_start_date"


def test_tuva_layouts_load_without_mapping(tmp_path, book):
    """Tuva's medical_claim and eligibility files (extra columns, gender, payer_type) load."""
    claims = read_csv(Path(book["claims"]))
    for r in claims:
        r.update(
            person_id="P" + r["member_id"],
            payer="acme",
            diagnosis_code_type="icd-10-cm",
            data_source="test",
            file_name="x.csv",
        )
    members = read_csv(Path(book["members"]))
    eligibility = []
    for r in members:
        base = {
            "person_id": "P" + r["member_id"],
            "member_id": r["member_id"],
            "gender": "female",
            "birth_date": r["birth_date"],
            "payer_type": "medicaid",
            "first_name": "Ann",
            "state": "TX",
        }
        eligibility += [
            {**base, "enrollment_start_date": "2024-01-01"},
            {**base, "enrollment_start_date": "2025-01-01"},
        ]
    out = audit_folder(
        {
            "claims": write(tmp_path / "medical_claim.csv", TUVA_MEDICAL_CLAIM, claims),
            "encounters": book["encounters"],
            "members": write(tmp_path / "eligibility.csv", TUVA_ELIGIBILITY, eligibility),
        },
        tmp_path / "out",
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["claims"]["quarantined_rows"] == 0
    assert summary["members"] == {
        "input_rows": len(eligibility),
        "loaded_rows": len(eligibility),
        "quarantined_rows": 0,
    }
    tuva = {r["claim_id"]: r["determination"] for r in read_csv(out / "determinations.csv")}
    plain = {
        r["claim_id"]: r["determination"]
        for r in read_csv(audit_folder(book, tmp_path / "plain") / "determinations.csv")
    }
    assert tuva == plain


def test_parquet_and_csv_agree(tmp_path, book):
    """The same extract as Parquet gives the same determinations as CSV."""
    import duckdb

    con = duckdb.connect()
    pq = {}
    for source, path in book.items():
        target = tmp_path / f"{source}.parquet"
        con.read_csv(path, all_varchar=True).write_parquet(str(target))
        pq[source] = str(target)
    a = read_csv(audit_folder(pq, tmp_path / "pq") / "determinations.csv")
    b = read_csv(audit_folder(book, tmp_path / "csv") / "determinations.csv")
    assert a == b


def test_glob_of_files(tmp_path, book):
    """A glob of several claim files is read as one extract, rows numbered per file."""
    lines = Path(book["claims"]).read_text().splitlines()
    half = len(lines) // 2
    (tmp_path / "part1.csv").write_text("\n".join(lines[:half]) + "\n")
    (tmp_path / "part2.csv").write_text("\n".join([lines[0], *lines[half:]]) + "\n")
    out = audit_folder({**book, "claims": str(tmp_path / "part*.csv")}, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["claims"]["input_rows"] == len(lines) - 1
    whole = read_csv(audit_folder(book, tmp_path / "whole") / "determinations.csv")
    assert read_csv(out / "determinations.csv") == whole


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("missing", "does not exist"),
        ("empty", "is empty"),
        ("no_column", "lacks the required column(s) member_id"),
        ("semicolon", "delimited by something other than a comma"),
        ("binary", "binary data"),
    ],
)
def test_refusals_are_one_sentence(tmp_path, book, damage, expected):
    """Unusable inputs exit non-zero with one sentence naming the file, never a traceback."""
    target = tmp_path / "claims.csv"
    text = Path(book["claims"]).read_text()
    if damage == "empty":
        target.write_text("")
    elif damage == "no_column":
        target.write_text(text.replace("member_id", "person", 1))
    elif damage == "semicolon":
        target.write_text(text.replace(",", ";"))
    elif damage == "binary":
        target.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = run_cli("audit", {**book, "claims": str(target)}, tmp_path / "out")
    assert result.exit_code == 2
    assert expected in result.output
    assert str(target) in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_rerun_is_idempotent(tmp_path, book):
    """Auditing the same extract twice into the same database gives the same outputs."""
    out = tmp_path / "out"
    first = {n: (audit_folder(book, out) / n).read_text() for n in ("determinations.csv",)}
    findings_1 = [
        {k: v for k, v in r.items() if k != "evidence"} for r in read_csv(out / "findings.csv")
    ]
    audit_folder(book, out)
    assert (out / "determinations.csv").read_text() == first["determinations.csv"]
    findings_2 = [
        {k: v for k, v in r.items() if k != "evidence"} for r in read_csv(out / "findings.csv")
    ]
    assert findings_1 == findings_2
