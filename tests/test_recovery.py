"""Review and recovery (contract §6): records requests, review import, adjustments, letters.

One audit of the committed sample feeds the module; each test works on its own copy of the
audit folder, so decisions never leak between tests.
"""

from __future__ import annotations

import csv
import getpass
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from ino_audit.cli import app
from ino_audit.outputs import review_codes as codes
from ino_audit.outputs.review_columns import WRITTEN_SHEET
from tests.conftest import audit_folder, read_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = {s: str(ROOT / "data_samples" / f"{s}.csv") for s in ("claims", "encounters", "members")}
AS_OF = "2026-12-01"
ADJUSTMENT_COLUMNS = [
    "claim_id",
    "provider_id",
    "group_code",
    "carc",
    "rarc",
    "adjustment_amount",
    "policy_reference",
]
TOTAL = re.compile(r"Total overpayment: \$([0-9,]+\.[0-9]{2})")


def cli(*args: str):
    """Run ino-audit with arguments; return the result."""
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Path:
    """Audit the committed sample once."""
    return audit_folder(SAMPLE, tmp_path_factory.mktemp("sample") / "audit", run_id="review")


@pytest.fixture
def audit_dir(audited, tmp_path) -> Path:
    """A private copy of the audited folder (database included)."""
    return Path(shutil.copytree(audited, tmp_path / "audit"))


def cases(path: Path) -> tuple[openpyxl.Workbook, dict[str, int], list[dict]]:
    """Open a cases.xlsx; return the workbook, column numbers by header and the case rows."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Cases"]
    header = {c.value: i + 1 for i, c in enumerate(ws[1])}
    rows = [
        {"row": r, **{h: ws.cell(r, c).value for h, c in header.items()}}
        for r in range(2, ws.max_row + 1)
    ]
    return wb, header, rows


def fill(ws, header: dict[str, int], row: int, **values) -> None:
    """Type a reviewer's entries into one row of the Cases sheet."""
    for key, value in values.items():
        ws.cell(row, header["reviewed_overpayment" if key == "amount" else key], value)


def reviewed_workbook(audit_dir: Path) -> tuple[Path, dict[str, tuple[str, Decimal | None]]]:
    """Fill cases.xlsx as reviewers would; return it and the decisions by claim."""
    wb, header, rows = cases(audit_dir / "cases.xlsx")
    ws = wb["Cases"]
    inside = [r for r in rows if r["Lookback status"] == "inside"]
    denied = [r for r in inside if r["Determination"] == "not_supported"]
    records = [r for r in inside if r["Determination"] == "insufficient_documentation"]
    chosen = {
        "upheld": denied[0],
        "partial": denied[1],
        "overturned": denied[2],
        "records_not_received": records[0],
        "upheld_2": denied[3],
    }
    decisions = {}
    for disposition, r in chosen.items():
        disposition = disposition.removesuffix("_2")
        amount = None
        if disposition == "partial":
            amount = (Decimal(str(r["Paid amount"])) / 3).quantize(Decimal("0.01"))
        fill(
            ws,
            header,
            r["row"],
            disposition=disposition,
            reviewer="dr.lee",
            reviewed_on=date(2026, 11, 20),
            note="checked the chart",
            **({"amount": float(amount)} if amount is not None else {}),
        )
        decisions[r["Claim ID"]] = (disposition, amount)
    path = audit_dir / "cases-reviewed.xlsx"
    wb.save(path)
    return path, decisions


def pdf_text(path: Path) -> str:
    """Return the text of every page of a PDF."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def decisions_table(audit_dir: Path) -> list[tuple]:
    """Return every stored decision (read-only)."""
    con = duckdb.connect(str(audit_dir / "ino_audit.duckdb"), read_only=True)
    try:
        return con.execute("select * from review_decisions order by decision_id").fetchall()
    finally:
        con.close()


def test_every_code_used_exists_and_is_current():
    """Each group code, CARC and RARC a rule or the recovery remark uses is in the value set."""
    assert codes.problems(date.today()) == []
    assert ("rarc", "N102") not in codes.used_codes()  # retired: records not received
    from ino_audit.engine import registry

    judged = {r.rule_id for r in registry.rules() if r.severity in ("deny", "records", "review")}
    assert set(codes.rule_codes()) == judged | {codes.RECORDS_NOT_RECEIVED, *codes.TAGS}


def test_code_check_catches_retired_and_unknown_codes():
    """The currency check fails for a code past its valid_to date or absent from the set."""
    shipped = dict(codes.value_set())
    retired = codes.Code("carc", "50", "retired", date(1995, 1, 1), date(2020, 1, 1))
    assert codes.problems(date.today(), {**shipped, ("carc", "50"): retired}) == [
        f"carc code 50 is not current on {date.today().isoformat()}."
    ]
    del shipped[("rarc", "N432")]
    assert "rarc code N432 is not in claim_adjustment_codes.csv." in codes.problems(
        date.today(), shipped
    )


def test_end_to_end_requests_review_recovery(audit_dir, tmp_path):
    """Audit -> records requests -> filled workbook -> import -> adjustments and letters."""
    requests = tmp_path / "requests"
    result = cli("records-requests", "--from", audit_dir, "--out", requests, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    tracked = read_csv(requests / "records_requests.csv")
    assert tracked and {t["status"] for t in tracked} == {"open"}
    assert all(t["due_on"] == "2027-01-15" for t in tracked)  # 45 days after the as-of date
    assert "INO-DOC" in " ".join(t["rule_ids"] for t in tracked)
    letters = sorted((requests / "request_letters").glob("records-request-*.pdf"))
    assert len(letters) == len({t["provider_id"] for t in tracked})
    first = [t for t in tracked if t["provider_id"] in letters[0].name]
    assert all(t["claim_id"] in pdf_text(letters[0]) for t in first)

    workbook, decisions = reviewed_workbook(audit_dir)
    result = cli("review", "import", workbook, "--from", audit_dir)
    assert result.exit_code == 0, result.output
    assert "5 recorded" in result.output and "0 refused" in result.output

    out = tmp_path / "recovery"
    result = cli("recover", "--from", audit_dir, "--out", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    with open(out / "adjustments.csv", newline="") as f:
        assert next(csv.reader(f)) == ADJUSTMENT_COLUMNS
    adjustments = read_csv(out / "adjustments.csv")
    paid = {
        d["claim_id"]: Decimal(d["paid_amount"]) for d in read_csv(audit_dir / "determinations.csv")
    }
    expected = {
        claim: paid[claim] if amount is None else amount
        for claim, (disposition, amount) in decisions.items()
        if disposition != "overturned"
    }
    assert {a["claim_id"]: Decimal(a["adjustment_amount"]) for a in adjustments} == expected
    for a in adjustments:
        assert a["rarc"].split(";")[-1] == "N432" and a["policy_reference"].startswith("CP.MP.87 ")
        disposition = decisions[a["claim_id"]][0]
        assert (a["group_code"], a["carc"]) == (
            ("CO", "226") if disposition == "records_not_received" else (a["group_code"], a["carc"])
        )
        assert codes.value_set()[("carc", a["carc"])].current(date.today())

    members = {d["member_id"] for d in read_csv(audit_dir / "determinations.csv")}
    by_provider: dict[str, Decimal] = {}
    for a in adjustments:
        by_provider[a["provider_id"]] = by_provider.get(a["provider_id"], 0) + Decimal(
            a["adjustment_amount"]
        )
    pdfs = sorted((out / "letters").iterdir())
    assert sorted(p.stem for p in pdfs) == sorted(by_provider)
    assert all(p.suffix == ".pdf" for p in pdfs)
    index = read_csv(out / "letters.csv")
    assert {r["provider_id"]: Decimal(r["total_amount"]) for r in index} == by_provider
    for pdf in pdfs:
        text = pdf_text(pdf)
        total = Decimal(TOTAL.search(text).group(1).replace(",", ""))
        assert total == by_provider[pdf.stem]
        assert "appeal" in text.lower() and "CO-" in text
        assert not [m for m in members if m and m in text]


def test_reaudit_keeps_every_decision(audit_dir):
    """Decisions survive a second audit into the same folder and database."""
    workbook, decisions = reviewed_workbook(audit_dir)
    assert cli("review", "import", workbook, "--from", audit_dir).exit_code == 0
    before = decisions_table(audit_dir)
    assert len(before) == len(decisions)
    audit_folder(SAMPLE, audit_dir, run_id="review-again")
    assert decisions_table(audit_dir) == before
    # The new workbook shows the decisions, and importing it again changes nothing.
    _, _, rows = cases(audit_dir / "cases.xlsx")
    shown = {r["Claim ID"]: r["disposition"] for r in rows if r["disposition"]}
    assert shown == {claim: d for claim, (d, _) in decisions.items()}
    assert {r["Review status"] for r in rows if r["disposition"]} == {"reviewed"}
    result = cli("review", "import", audit_dir / "cases.xlsx", "--from", audit_dir)
    assert result.exit_code == 0 and "0 recorded" in result.output, result.output
    assert decisions_table(audit_dir) == before


def test_decision_whose_finding_stops_firing_is_reported_not_dropped(audit_dir, tmp_path):
    """A re-audit where the reviewed finding is gone keeps the decision and reports it."""
    claim = next(
        r["claim_id"]
        for r in read_csv(audit_dir / "determinations.csv")
        if r["rule_ids"] == "INO-48H-NO-REVIEW"
    )
    review = tmp_path / "review.csv"
    review.write_text(
        "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"
        f"{claim},upheld,,dr.kim,2026-11-02,no director review\n"
    )
    assert cli("review", "import", review, "--from", audit_dir).exit_code == 0
    # The medical-director reviews turn up: every course gets a review date, the rule is silent.
    encounters = read_csv(Path(SAMPLE["encounters"]))
    for e in encounters:
        e["medical_director_review_date"] = e["medical_director_review_date"] or "2024-01-01"
    path = tmp_path / "encounters.csv"
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(encounters[0]))
        writer.writeheader()
        writer.writerows(encounters)
    audit_folder({**SAMPLE, "encounters": str(path)}, audit_dir, run_id="review-reviewed")
    assert len(decisions_table(audit_dir)) == 1
    result = cli("review", "status", "--from", audit_dir, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "1 decisions whose finding no longer fires" in result.output
    out = tmp_path / "recovery"
    assert cli("recover", "--from", audit_dir, "--out", out, "--as-of", AS_OF).exit_code == 0
    assert read_csv(out / "adjustments.csv") == []
    status = {r["claim_id"]: r for r in read_csv(out / "review_status.csv")}
    assert status[claim]["review_status"] == "finding_gone"


def test_bad_workbook_is_refused_row_by_row(audit_dir):
    """Unknown disposition, unknown claim, amount above paid, edited protected cell: refused."""
    wb, header, rows = cases(audit_dir / "cases.xlsx")
    ws = wb["Cases"]
    good, bogus, too_much, edited, touched = rows[0], rows[1], rows[2], rows[3], rows[4]
    fill(ws, header, good["row"], disposition="upheld")  # no reviewer: the importing user
    fill(ws, header, bogus["row"], disposition="maybe", reviewer="dr.lee")
    fill(
        ws,
        header,
        too_much["row"],
        disposition="partial",
        reviewer="dr.lee",
        amount=float(too_much["Paid amount"]) + 1,
    )
    fill(ws, header, edited["row"], disposition="upheld", reviewer="dr.lee")
    ws.cell(edited["row"], header["Paid amount"], 1.0)
    ws.cell(touched["row"], header["Rule IDs"], "")  # an edit on a row without a decision
    ghost = ws.max_row + 1
    ws.cell(ghost, header["Claim ID"], "C999999999")
    fill(ws, header, ghost, disposition="upheld", reviewer="dr.lee")
    path = audit_dir / "bad.xlsx"
    wb.save(path)
    result = cli("review", "import", path, "--from", audit_dir)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "1 recorded" in text and "5 refused" in text
    assert 'disposition "maybe" is not upheld' in text
    assert "is above the paid amount" in text
    assert "protected column(s) edited: paid_amount" in text
    assert "C999999999 is not an iNO claim of this audit" in text
    assert (
        f"claim {touched['Claim ID']}: disposition is empty; protected column(s) edited: rule_ids"
        in text
    )
    assert [(d[1], d[5]) for d in decisions_table(audit_dir)] == [
        (good["Claim ID"], getpass.getuser())
    ]


def test_csv_import_conflicts_are_kept_and_reported(audit_dir, tmp_path):
    """A second reviewer's different decision is appended with the previous one and flagged."""
    claim = next(
        r
        for r in read_csv(audit_dir / "determinations.csv")
        if r["determination"] == "not_supported"
    )["claim_id"]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    head = "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"
    first.write_text(head + f"{claim},upheld,,dr.lee,2026-11-01,\n")
    second.write_text(
        head + f"{claim},overturned,,dr.kim,2026-11-03,records show PAH\n"
        "C404,upheld,,dr.kim,2026-11-03,\n"
    )
    assert cli("review", "import", first, "--from", audit_dir).exit_code == 0
    result = cli("review", "import", second, "--from", audit_dir)
    assert "1 conflicting" in result.output and "1 refused" in result.output, result.output
    stored = decisions_table(audit_dir)
    assert [(d[3], d[5], d[15], d[-1]) for d in stored] == [
        ("upheld", "dr.lee", None, False),
        ("overturned", "dr.kim", "upheld", True),
    ]
    assert stored[1][8] == str(second.resolve()) and len(stored[1][9]) == 64  # file + SHA-256
    trail = read_csv(audit_dir / "review_decisions.csv")
    assert [(t["disposition"], t["previous_disposition"]) for t in trail] == [
        ("upheld", ""),
        ("overturned", "upheld"),
    ]


def test_records_not_received_closes_and_a_later_decision_reopens(audit_dir, tmp_path):
    """A request closed as records_not_received is reopened by a decision after records come."""
    requests = tmp_path / "requests"
    cli(
        "records-requests",
        "--from",
        audit_dir,
        "--out",
        requests,
        "--as-of",
        "2026-11-01",
        "--records-due-days",
        "10",
    )
    claim = read_csv(requests / "records_requests.csv")[0]["claim_id"]

    def decide(disposition: str, reviewed_on: str, as_of: str) -> dict[str, str]:
        """Import one decision on the claim, refresh the tracking table, return statuses."""
        review = tmp_path / f"{disposition}.csv"
        review.write_text(
            "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"
            f"{claim},{disposition},,dr.lee,{reviewed_on},\n"
        )
        cli("review", "import", review, "--from", audit_dir)
        cli("records-requests", "--from", audit_dir, "--out", requests, "--as-of", as_of)
        return {r["claim_id"]: r["status"] for r in read_csv(requests / "records_requests.csv")}

    status = decide("records_not_received", "2026-11-15", "2026-11-16")
    assert status[claim] == "closed_records_not_received"
    assert "overdue" in status.values()  # the other requests passed their 10-day due date
    assert decide("overturned", "2026-11-20", "2026-11-21")[claim] == "reviewed"


def test_outside_lookback_is_never_recoverable(audit_dir, tmp_path):
    """Confirmed overpayments on claims paid before the window opens stay out of adjustments."""
    review = tmp_path / "all.csv"
    flagged = [
        r
        for r in read_csv(audit_dir / "determinations.csv")
        if r["determination"] == "not_supported"
    ]
    review.write_text(
        "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"
        + "".join(f"{r['claim_id']},upheld,,dr.lee,2026-11-01,\n" for r in flagged)
    )
    assert cli("review", "import", review, "--from", audit_dir).exit_code == 0
    out = tmp_path / "recovery"
    assert cli("recover", "--from", audit_dir, "--out", out, "--as-of", AS_OF).exit_code == 0
    status = read_csv(out / "review_status.csv")
    outside = {s["claim_id"] for s in status if s["lookback_status"] == "outside_lookback"}
    adjusted = {a["claim_id"] for a in read_csv(out / "adjustments.csv")}
    assert outside and adjusted and not outside & adjusted
    assert adjusted == {
        s["claim_id"]
        for s in status
        if s["lookback_status"] == "inside" and s["review_status"] == "reviewed"
    }
    for s in status:
        if s["claim_id"] in outside:
            assert s["paid_date"] < s["lookback_opens"] and s["recoverable_overpayment"] == "0.00"


def test_lookback_most_specific_row_wins(audit_dir, tmp_path):
    """A state row beats a line-of-business row, which beats the default."""
    table = tmp_path / "lookback.csv"
    table.write_text(
        "line_of_business,state,months,source,note\n,,1,test,\nmedicaid,,2,test,\n"
        "medicaid,NC,600,test,\n"
    )
    out = tmp_path / "recovery"
    result = cli(
        "recover", "--from", audit_dir, "--out", out, "--as-of", AS_OF, "--lookback", table
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(audit_dir / "ino_audit.duckdb"), read_only=True)
    plans = dict(
        con.execute(
            "select claim_id, m.line_of_business || '/' || m.state from ino_claims "
            "join members m using (member_id)"
        ).fetchall()
    )
    con.close()
    for s in read_csv(out / "review_status.csv"):
        plan = plans.get(s["claim_id"], "")
        months = 600 if plan == "medicaid/NC" else 2 if plan.startswith("medicaid/") else 1
        assert int(s["lookback_months"]) == months, plan


def test_bad_inputs_stop_with_one_sentence(audit_dir, tmp_path):
    """Missing audit, bad look-back table, wrong file type: exit 2 and one sentence."""
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("recover", "--from", empty, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "holds no audit database" in result.output
    bad = tmp_path / "lookback.csv"
    bad.write_text("line_of_business,state,months\n,,twelve\n")
    result = cli("recover", "--from", audit_dir, "--out", tmp_path / "o", "--lookback", bad)
    assert result.exit_code == 2 and "row 1, column months" in result.output
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = cli("review", "import", notes, "--from", audit_dir)
    assert result.exit_code == 2 and "neither a .xlsx workbook nor a .csv" in result.output
    assert "Traceback" not in result.output


def test_workbook_inputs_are_validated_and_the_rest_protected(audited):
    """The Cases sheet is protected except the reviewer columns, which carry validation lists."""
    wb = openpyxl.load_workbook(audited / "cases.xlsx")
    ws = wb["Cases"]
    assert ws.protection.sheet and wb[WRITTEN_SHEET].sheet_state == "veryHidden"
    header = {c.value: c.column_letter for c in ws[1]}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "upheld,overturned,partial,records_not_received" in lists[0].formula1
    assert header["disposition"] in str(lists[0].sqref)
    assert ws[f"{header['disposition']}2"].protection.locked is False
    assert ws[f"{header['Claim ID']}2"].protection.locked is not False
