"""The shipped policy library: each version's casebook at its boundaries, the evidence and denial
codes that follow a policy's tags, and what a policy file changes (tests/policy_casebooks.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.casebook import Case, write_book
from tests.conftest import audit_folder, read_csv
from tests.policy_casebooks import BI374, BOOKS, G46, LATER, MP440

CASES = [(version, case) for version, cases in BOOKS.items() for case in cases]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Audit each version's casebook under that version alone; return the output folders."""
    out = {}
    for version, cases in BOOKS.items():
        folder = tmp_path_factory.mktemp(version)
        out[version] = audit_folder(
            write_book(cases, folder), folder / "out", policy_version=version, run_id="library"
        )
    return out


@pytest.fixture(scope="module")
def determinations(runs) -> dict[str, dict[str, str]]:
    """Return every book's determinations by claim id."""
    return {r["claim_id"]: r for out in runs.values() for r in read_csv(out / "determinations.csv")}


@pytest.fixture(scope="module")
def findings(runs) -> dict[tuple[str, str], dict]:
    """Return every book's findings by (claim id, rule id), evidence parsed."""
    return {
        (f["claim_id"], f["rule_id"]): {**f, "evidence": json.loads(f["evidence"])}
        for out in runs.values()
        for f in read_csv(out / "findings.csv")
    }


@pytest.mark.parametrize(("version", "case"), CASES, ids=[c.name for _, c in CASES])
def test_case(version: str, case: Case, determinations):
    """Every claim of a case gets exactly the expected determination and rule ids."""
    for i, (determination, rule_ids) in enumerate(case.expect):
        row = determinations[case.claim_id(i)]
        got = set(filter(None, row["rule_ids"].split(";")))
        assert (row["determination"], got) == (determination, rule_ids), (version, case.name)


def test_findings_name_their_policy(findings):
    """Each finding's evidence names the version whose book it belongs to."""
    prefixes = {"mp440": MP440, "g46": G46, "bi374": BI374, "later": LATER}
    for (claim, _), f in findings.items():
        if claim:
            version = prefixes[claim.removeprefix("C-").split("-")[0]]
            assert f["evidence"]["policy_version"] == version


@pytest.mark.parametrize(
    ("claim", "rule", "tag", "section"),
    [
        ("C-mp440-ga-34.0-0", "INO-II-PRETERM", "investigational", "Policy: premature neonates"),
        ("C-g46-ga-34.0-0", "INO-II-PRETERM", "investigational", "Policy position: premature"),
        ("C-mp440-periop-child-0", "INO-POL-NOT-COVERED", "investigational", "Policy: postoper"),
        ("C-mp440-adult-covid-no-ards-0", "INO-IA2-NONE", "investigational", "Policy: other"),
        ("C-mp440-cont-preterm-1", "INO-IB-PRIOR", "investigational", "Policy: other"),
        ("C-bi374-ga-33.9-0", "INO-II-PRETERM", "not_medically_necessary", "Medical Statement 1"),
        ("C-bi374-cdh-bridge-0", "INO-II-CDH", "not_medically_necessary", "Medical Statement 1"),
        (
            "C-bi374-bronchiolitis-0",
            "INO-POL-EXCLUDED-DX",
            "not_medically_necessary",
            "Medical Statement 3.a",
        ),
        (
            "C-bi374-periop-child-0",
            "INO-POL-NOT-COVERED",
            "not_medically_necessary",
            "Medical Statement 3.c",
        ),
    ],
)
def test_findings_carry_the_policy_tag_and_section(findings, claim, rule, tag, section):
    """A denial carries its tag in the evidence and cites the policy's own section."""
    f = findings[(claim, rule)]
    assert f["evidence"]["tag"] == tag
    assert f["policy_section"].startswith(section)


def test_excluded_diagnosis_names_list_tag_and_codes(findings):
    """INO-POL-EXCLUDED-DX names the list, its tag, the section and the codes that hit it."""
    ev = findings[("C-bi374-acute-lung-injury-0", "INO-POL-EXCLUDED-DX")]["evidence"]
    assert ev["exclusion"] == "acute_lung_injury" and ev["codes"] == ["S27.302D"]
    assert (
        ev["tag"] == "not_medically_necessary" and ev["policy_section"] == "Medical Statement 3.b"
    )
    ev = findings[("C-mp440-adult-covid-ards-0", "INO-POL-EXCLUDED-DX")]["evidence"]
    assert ev["exclusion"] == "acute_hypoxemic_respiratory_failure" and ev["codes"] == ["J80"]
    assert ev["tag"] == "investigational"


def test_not_covered_names_the_indication(findings):
    """INO-POL-NOT-COVERED names the indication and its tag."""
    ev = findings[("C-mp440-vasoreactivity-test-0", "INO-POL-NOT-COVERED")]["evidence"]
    assert ev["indication"] == "vasoreactivity_testing" and ev["tag"] == "investigational"
    assert ev["vasoreactivity_test"] is True


def test_preterm_evidence_states_the_strict_boundary(findings):
    """Under "more than 34 weeks" the preterm finding says so; CP.MP.87's evidence is unchanged."""
    f = findings[("C-mp440-ga-34.0-0", "INO-II-PRETERM")]
    assert f["evidence"]["covered_when_weeks"] == "> 34.0"
    assert "at or under 34.0 weeks" in f["message"]
    assert "covered_when_weeks" not in findings[("C-bi374-ga-33.9-0", "INO-II-PRETERM")]["evidence"]


def test_review_days_evidence(findings):
    """INO-POL-REVIEW-DAYS states the episode's days and the policy's limit."""
    ev = findings[("C-bi374-dur-14d-1min-0", "INO-POL-REVIEW-DAYS")]["evidence"]
    assert ev["review_beyond_days"] == 14 and ev["episode_days"] == 14.0


def test_severity_override_is_the_findings_severity(findings):
    """The later CP.MP.87 revision reviews births below 34 weeks instead of denying them."""
    assert findings[("C-later-ga-33.9-0", "INO-II-PRETERM")]["severity"] == "review"


def test_report_lists_only_the_rules_in_use(runs):
    """The report's rules table names the rules the run's policy applies, not the others."""
    html = (runs[BI374] / "report.html").read_text()
    assert "INO-POL-REVIEW-DAYS" in html and "INO-IA2A-OI" not in html
    summary = json.loads((runs[MP440] / "summary.json").read_text())
    assert summary["policy_version"] == MP440
