"""Each rule with a hit, a miss and its boundaries, and the precedence of severities."""

from __future__ import annotations

import json

import pytest

from tests.casebook import CASES, Case
from tests.conftest import read_csv


@pytest.fixture(scope="module")
def determinations(casebook_run):
    """Return determinations.csv of the casebook run, by claim id."""
    return {r["claim_id"]: r for r in read_csv(casebook_run / "determinations.csv")}


@pytest.fixture(scope="module")
def findings(casebook_run):
    """Return findings.csv of the casebook run."""
    return read_csv(casebook_run / "findings.csv")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, determinations):
    """Every claim of a case gets exactly the expected determination and rule ids."""
    for i, (determination, rule_ids) in enumerate(case.expect):
        row = determinations[case.claim_id(i)]
        got = set(filter(None, row["rule_ids"].split(";")))
        assert (row["determination"], got) == (determination, rule_ids), case.name


def test_amount_at_risk_only_when_denied(determinations):
    """amount_at_risk equals paid for not_supported claims and is 0.00 otherwise."""
    for row in determinations.values():
        expected = row["paid_amount"] if row["determination"] == "not_supported" else "0.00"
        assert row["amount_at_risk"] == expected


def test_rule_ids_sorted(determinations):
    """rule_ids are sorted and joined by semicolons."""
    for row in determinations.values():
        ids = row["rule_ids"].split(";") if row["rule_ids"] else []
        assert ids == sorted(ids)


def test_outliers_reported_without_changing_determination(determinations, findings):
    """High doses and long episodes give outlier findings, the claim stays supported."""
    by_claim = {(f["claim_id"], f["rule_id"]) for f in findings}
    assert ("C-dose-85-0", "INO-OUT-DOSE40") in by_claim
    assert ("C-dose-85-0", "INO-OUT-DOSE80") in by_claim
    assert ("C-dur-8d-reviewed-0", "INO-OUT-DUR7D") in by_claim
    assert determinations["C-dose-85-0"]["determination"] == "supported"


def test_unknown_code_is_info(findings):
    """A code absent from ICD-10-CM is an info finding; U07.2 (named by the policy) is not."""
    unknown = {f["claim_id"] for f in findings if f["rule_id"] == "INO-DQ-UNKNOWN-CODE"}
    assert "C-unknown-code-0" in unknown
    assert "C-covid-u072-0" not in unknown


def test_findings_carry_evidence_version_and_run(findings):
    """Every finding's evidence is JSON with the policy version and run id."""
    for f in findings:
        evidence = json.loads(f["evidence"])
        assert evidence["policy_version"] == "CP.MP.87-2020-05"
        assert evidence["run_id"] == "casebook"
        assert f["severity"] and f["policy_section"] and f["message"]


def test_evidence_explains_denial(findings):
    """The OI finding names the OI used and the threshold it missed."""
    oi = next(
        f for f in findings if f["claim_id"] == "C-oi-24.9-0" and f["rule_id"] == "INO-IA2A-OI"
    )
    evidence = json.loads(oi["evidence"])
    assert evidence["oi"] == 24.9 and evidence["min_oxygenation_index"] == 25


def test_unbilled_initiation_is_named_in_the_continuation_finding(findings):
    """INO-IB-PRIOR names the unbilled initiating course and the rule that failed it; the
    initiation's own hits (INO-IA1-ROUTE here) are not findings of the continuation's claim."""
    claim = "C-unbilled-initiation-0"
    ids = {f["rule_id"] for f in findings if f["claim_id"] == claim}
    assert ids == {"INO-IB-PRIOR"}
    (prior,) = [f for f in findings if f["claim_id"] == claim]
    evidence = json.loads(prior["evidence"])
    assert evidence["initiating_encounter_id"] == "E-unbilled-initiation-0"
    assert evidence["initiation_billed"] is False
    assert evidence["initiation_denied_by"] == ["INO-IA1-ROUTE"]
    assert evidence["encounter_ids"] == ["E-unbilled-initiation-1"]


def test_billed_initiation_denial_is_named(findings):
    """A continuation of a billed, denied initiation names that course and its rules."""
    (prior,) = [
        f
        for f in findings
        if f["claim_id"] == "C-cont-prior-no-pathway-1" and f["rule_id"] == "INO-IB-PRIOR"
    ]
    evidence = json.loads(prior["evidence"])
    assert evidence["initiation_billed"] is True
    assert evidence["initiation_denied_by"] == ["INO-IA2-NONE"]
