"""Analyst outputs: report.html (offline, with charts), cases.xlsx, Parquet exports, masking."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ino_audit.engine import registry
from ino_audit.infra.paths import RULES_DIR
from ino_audit.outputs import excel, masking
from tests import browser
from tests.casebook import CASES, write_book
from tests.conftest import audit_folder, read_csv

EXPORTS = ("determinations.csv", "findings.csv", "determinations.parquet", "findings.parquet")
CHARTS = {"determinations", "durations", "doses", "trend", "peers"}
# Cases whose ids are replaced by values a spreadsheet would take for a formula.
HOSTILE_IDS = {
    "route-cannula": ('=HYPERLINK("http://x","y")', "+SUM(1,2)"),
    "no-encounter": ("-2+3", "@cmd|' /C calc'!A0"),
    "dur-48h-1min": ("@SUM(A1:A2)", "=1+1"),
    "records-review": ("+1", "-1"),
    "neonatal-supported": ("=supported-member", "=supported-claim"),
}


def book_with_ids(folder: Path, ids: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Write the named casebook cases, replacing each case's member id and claim id."""
    cases = [c for c in CASES if c.name in ids]
    paths = write_book(cases, folder)
    members = {c.member_id(): ids[c.name][0] for c in cases}
    claims = {c.claim_id(): ids[c.name][1] for c in cases}
    for path in paths.values():
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            row["member_id"] = members.get(row["member_id"], row["member_id"])
            if row.get("claim_id"):
                row["claim_id"] = claims.get(row["claim_id"], row["claim_id"])
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return paths


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    """Return a workbook sheet's rows as dicts keyed by header."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def formula_cells(path: Path) -> list[str]:
    """Return the coordinates of every formula cell in a workbook."""
    wb = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in wb
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def all_text(out: Path) -> str:
    """Return the text of every export: CSV, JSON, HTML, Parquet (read back) and xlsx cells."""
    parts = [p.read_text(encoding="utf-8") for p in out.glob("*.csv")]
    parts += [(out / n).read_text(encoding="utf-8") for n in ("report.html", "summary.json")]
    for p in out.glob("*.parquet"):
        parts.append(json.dumps(duckdb.sql(f"select * from '{p}'").fetchall(), default=str))
    wb = openpyxl.load_workbook(out / "cases.xlsx")
    parts += [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """Audit cases whose member and claim ids look like spreadsheet formulas."""
    folder = tmp_path_factory.mktemp("hostile")
    return audit_folder(book_with_ids(folder, HOSTILE_IDS), folder / "out")


def test_cases_xlsx_lists_every_flagged_claim_and_has_no_formula(hostile_run):
    """Every non-supported claim is a row (formula-like ids kept as text); no cell is a formula."""
    # The Parquet export keeps exact ids (determinations.csv guards formula-looking text).
    exact = duckdb.sql(f"select * from '{hostile_run}/determinations.parquet'").df()
    flagged = [d for d in exact.to_dict("records") if d["determination"] != "supported"]
    rows = sheet_rows(hostile_run / "cases.xlsx", "Cases")
    assert {r["Claim ID"] for r in rows} == {d["claim_id"] for d in flagged}
    assert {r["Member ID"] for r in rows} == {d["member_id"] for d in flagged}
    assert '=HYPERLINK("http://x","y")' in {r["Member ID"] for r in rows}
    assert formula_cells(hostile_run / "cases.xlsx") == []
    by_claim = {r["Claim ID"]: r for r in rows}
    assert by_claim["@cmd|' /C calc'!A0"]["Records to request"].startswith(
        "[ ] iNO administration record"
    )
    assert "Medical-director secondary review" in by_claim["=1+1"]["Records to request"]


def test_cases_sheet_order_and_layout(casebook_run):
    """Cases are sorted by amount at risk then paid; header frozen, autofilter on every sheet."""
    rows = sheet_rows(casebook_run / "cases.xlsx", "Cases")
    keys = [(r["Amount at risk"], r["Paid amount"]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert all(r["Determination"] != "supported" for r in rows)
    wb = openpyxl.load_workbook(casebook_run / "cases.xlsx")
    assert wb.sheetnames == [
        "Cases",
        "Findings",
        "Providers",
        "Review by rule",
        "Cases as written",
        "Run facts",
    ]
    for name in ("Cases", "Findings", "Providers"):
        assert wb[name].freeze_panes == "A2" and wb[name].auto_filter.ref
    findings = read_csv(casebook_run / "findings.csv")
    assert len(sheet_rows(casebook_run / "cases.xlsx", "Findings")) == len(findings)
    incomplete = next(r for r in rows if r["Claim ID"] == "C-ga-missing-0")
    assert incomplete["Records to request"] == "[ ] Records documenting: gestational_age_weeks"
    assert incomplete["Reasons"].startswith("INO-DOC-INCOMPLETE: ")


def test_excel_writer_never_writes_formulas(tmp_path):
    """Text starting with =, +, -, @, tab or CR is written as a string cell, never a formula."""
    values = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']
    path = tmp_path / "w.xlsx"
    wb = excel.open_workbook(path)
    excel.write_table(wb, "S", [("text_col", "VARCHAR")], [(v,) for v in values], excel.formats(wb))
    wb.close()
    cells = [c for row in openpyxl.load_workbook(path)["S"].iter_rows(min_row=2) for c in row]
    # XlsxWriter stores CR as Excel's escape _x000D_, which openpyxl does not decode
    assert [c.value.replace("_x000D_", "\r") for c in cells] == values
    assert {c.data_type for c in cells} == {"s"}


def test_records_checklist_covers_every_deciding_rule():
    """Each deny, records and review rule has a request; the checklist names no unknown rule."""
    with open(RULES_DIR / "records_checklist.csv", newline="") as f:
        checklist = {r["rule_id"]: r["request"] for r in csv.DictReader(f)}
    deciding = {r.rule_id for r in registry.rules() if r.severity in ("deny", "records", "review")}
    assert set(checklist) == deciding
    assert all(v.strip() for v in checklist.values())
    assert "{missing_fields}" in checklist["INO-DOC-INCOMPLETE"]


def test_parquet_exports_match_csvs(casebook_run):
    """Parquet exports read back with the CSVs' rows; findings carry policy version and run id."""
    for name in ("determinations", "findings"):
        csv_rows = read_csv(casebook_run / f"{name}.csv")
        rel = duckdb.sql(f"select * from '{casebook_run / name}.parquet'")
        assert rel.shape[0] == len(csv_rows)
        assert rel.columns[: len(csv_rows[0])] == list(csv_rows[0])
    runs = duckdb.sql(
        f"select distinct policy_version, run_id from '{casebook_run}/findings.parquet'"
    ).fetchall()
    assert runs == [("CP.MP.87-2020-05", "casebook")]
    at_risk = duckdb.sql(
        f"select sum(amount_at_risk) from '{casebook_run}/determinations.parquet'"
    ).fetchall()[0][0]
    summary = json.loads((casebook_run / "summary.json").read_text())
    assert f"{at_risk:.2f}" == summary["amount_at_risk"]


def test_report_content(casebook_run):
    """The report states the run, the input files' SHA-256, five charts and no member id."""
    html = (casebook_run / "report.html").read_text(encoding="utf-8")
    summary = json.loads((casebook_run / "summary.json").read_text())
    assert "casebook" in html and summary["policy_version"] in html
    for source, path in summary["inputs"].items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() in html, source
    assert set(re.findall(r'data-chart="([a-z]+)"', html)) == CHARTS
    assert html.count("<svg") == len(CHARTS)
    assert f"${float(summary['amount_at_risk']):,.2f}" in html
    members = {r["member_id"] for r in read_csv(casebook_run / "determinations.csv")}
    assert not [m for m in members if m in html]


def test_report_has_no_external_reference(casebook_run):
    """Static scan: every src/href/xlink:href and CSS url() is a fragment; nothing is imported."""
    html = (casebook_run / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r'\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["\']([^"\']*)', html)
    refs += re.findall(r"url\(\s*['\"]?([^'\")]*)", html)
    assert refs, "the charts reference their own clip paths and markers"
    assert [r for r in refs if not r.startswith("#")] == []
    assert "@import" not in html and "<script" not in html and "<link" not in html


@pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed")
def test_report_loads_offline_in_chromium(casebook_run, tmp_path):
    """End to end in headless Chromium: the page loads with its five charts drawn, and it asks
    for nothing but its own file.

    Chromium runs with `--remote-debugging-pipe` and the DevTools protocol records every request
    the page makes (Network.requestWillBeSent, which fires even for requests that the page's
    Content Security Policy then blocks) and every console/log entry. This sees only the page's
    own traffic, not Chromium's background calls, which a net-log would mix in. A probe page
    with one http image first shows that the harness does see a network request. Chromium runs
    with a dead proxy and a resolver that resolves nothing, so nothing can leave the machine.
    """
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/probe.png">')
    seen = browser.open_page(probe.as_uri(), "document.readyState")
    assert "http://127.0.0.1:9/probe.png" in seen.requests

    expression = (
        "({ready: document.readyState, marker: !!document.querySelector('[data-report]'),"
        " charts: [...document.querySelectorAll('svg[data-chart]')].map(s =>"
        " [s.dataset.chart, s.getBoundingClientRect().width, s.getBoundingClientRect().height,"
        " s.querySelectorAll('path, rect, use').length])})"
    )
    page = browser.open_page((casebook_run / "report.html").as_uri(), expression)
    assert page.value["ready"] == "complete" and page.value["marker"]
    charts = {name: (w, h, shapes) for name, w, h, shapes in page.value["charts"]}
    assert set(charts) == CHARTS
    assert all(w > 300 and h > 100 and shapes > 5 for w, h, shapes in charts.values()), charts
    assert page.requests == [(casebook_run / "report.html").as_uri()]
    assert [e for e in page.log if e.get("level") in ("error", "warning")] == []


def mask_inputs(folder: Path) -> dict[str, str]:
    """Write a small book whose member ids are distinctive, easy to search for."""
    names = ["route-cannula", "no-encounter", "dur-48h-1min", "neonatal-supported", "cont-no-need"]
    ids = {n: (f"PHI-MEMBER-{i:03d}", f"CLAIM-{i:03d}") for i, n in enumerate(names)}
    return book_with_ids(folder, ids)


def test_masking_hides_member_ids_and_is_stable(tmp_path, monkeypatch):
    """With mask_members no raw member id is in any export; reruns with one key agree."""
    monkeypatch.delenv(masking.KEY_ENV, raising=False)
    inputs = mask_inputs(tmp_path)
    db = tmp_path / "audit.duckdb"
    key = tmp_path / "mask.key"
    key.write_text("a key kept away from the outputs\n")
    first = audit_folder(inputs, tmp_path / "one", db=db, mask_members=True, mask_key_file=key)
    second = audit_folder(inputs, tmp_path / "two", db=db, mask_members=True, mask_key_file=key)
    raw = {r["member_id"] for r in read_csv(Path(inputs["members"]))}
    for out in (first, second):
        assert all((out / n).exists() for n in EXPORTS)
        text = all_text(out)
        assert "PHI-MEMBER" not in text and not [m for m in raw if m in text]
    one = {d["claim_id"]: d["member_id"] for d in read_csv(first / "determinations.csv")}
    two = {d["claim_id"]: d["member_id"] for d in read_csv(second / "determinations.csv")}
    assert one == two
    assert all(re.fullmatch(r"MBR-[0-9a-f]{16}", m) for m in one.values())
    assert len(set(one.values())) == len(raw)
    masked_parquet = duckdb.sql(
        f"select claim_id, member_id from '{first}/determinations.parquet'"
    ).fetchall()
    assert dict(masked_parquet) == one
    cases = sheet_rows(first / "cases.xlsx", "Cases")
    assert {r["Member ID"] for r in cases} <= set(one.values())


def test_masking_key_from_environment(tmp_path, monkeypatch):
    """INO_AUDIT_MASK_KEY, when set, is the HMAC key; without masking ids stay as they are."""
    monkeypatch.setenv(masking.KEY_ENV, "test-key")
    inputs = mask_inputs(tmp_path)
    out = audit_folder(inputs, tmp_path / "masked", mask_members=True)
    got = {d["claim_id"]: d["member_id"] for d in read_csv(out / "determinations.csv")}
    assert got["CLAIM-000"] == masking.mask_id(b"test-key", "PHI-MEMBER-000")
    plain = audit_folder(inputs, tmp_path / "plain")
    plain_ids = {d["claim_id"]: d["member_id"] for d in read_csv(plain / "determinations.csv")}
    assert plain_ids["CLAIM-000"] == "PHI-MEMBER-000"
