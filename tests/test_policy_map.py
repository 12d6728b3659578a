"""Policies per member (contract §7): each claim is judged by its member's mapped policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.casebook import Case, write_book
from tests.conftest import audit_folder, read_csv, run_cli

# A 60-hour newborn episode with no medical-director review: review_required under the 48-hour
# policy (CP.MP.87-2020-05), supported under the 72-hour one.
LONG = {"ino_stop": "2024-03-04T20:00"}
BASE, WIDE = "CP.MP.87-2020-05", "CP.MP.87-2020-05-72h"
MAP_HEADER = "line_of_business,state,policy_version,effective_from,effective_to\n"


def _case(name: str, lob: str, state: str, start: str = "2024-03-01") -> Case:
    """Return a long unreviewed episode for a member of the given plan and state."""
    return Case(
        name,
        member={"line_of_business": lob, "state": state},
        courses=[LONG],
        claims=[{"claim_start_date": start}],
    )


CASES = [
    _case("tx-medicaid", "medicaid", "TX"),
    _case("tx-commercial", "commercial", "TX"),
    _case("ny-medicaid", "medicaid", "NY"),
    _case("ny-commercial", "commercial", "NY"),
    _case("tx-medicaid-2023", "medicaid", "TX", start="2023-12-31"),
]
# medicaid in any state from 2024 uses 72 h; Texas commercial too; everything else the default.
MAP = MAP_HEADER + f"medicaid,,{WIDE},2024-01-01,\n,TX,{WIDE},,\ncommercial,TX,{BASE},,2023-12-31\n"
EXPECTED = {
    "tx-medicaid": WIDE,
    "tx-commercial": WIDE,
    "ny-medicaid": WIDE,
    "ny-commercial": BASE,
    "tx-medicaid-2023": WIDE,  # before medicaid's row: the state row maps it
}


@pytest.fixture(scope="module")
def mapped_run(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Audit the cases with the policy map; return the output folder and the inputs."""
    folder = tmp_path_factory.mktemp("policy-map")
    inputs = write_book(CASES, folder)
    (folder / "map.csv").write_text(MAP)
    out = audit_folder(inputs, folder / "out", policy_map=folder / "map.csv")
    return out, inputs


def test_each_claim_is_judged_by_its_mapped_policy(mapped_run):
    """The 48-hour rule fires only on claims that the map leaves under the 48-hour policy."""
    out, _ = mapped_run
    rows = {r["claim_id"]: r for r in read_csv(out / "determinations.csv")}
    for case in CASES:
        row = rows[case.claim_id()]
        if EXPECTED[case.name] == BASE:
            assert (row["determination"], row["rule_ids"]) == (
                "review_required",
                "INO-48H-NO-REVIEW",
            )
        else:
            assert (row["determination"], row["rule_ids"]) == ("supported", ""), case.name


def test_findings_name_the_policy_of_their_claim(mapped_run):
    """Every claim finding's evidence (and column) names the policy version that judged it."""
    out, _ = mapped_run
    findings = read_csv(out / "findings.csv")
    assert findings
    for f in findings:
        if not f["claim_id"]:
            continue
        name = f["claim_id"].removeprefix("C-").removesuffix("-0")
        assert json.loads(f["evidence"])["policy_version"] == EXPECTED[name]


def test_summary_counts_claims_by_policy(mapped_run):
    """summary.json and the report say how many claims each policy judged and the map placed."""
    out, _ = mapped_run
    report = (out / "report.html").read_text()
    assert 'id="by-policy"' in report and WIDE in report
    by_policy = json.loads((out / "summary.json").read_text())["claims_by_policy"]
    assert by_policy[WIDE]["claims"] == 4 and by_policy[WIDE]["mapped"] == 4
    assert by_policy[BASE] == {"claims": 1, "mapped": 0, "not_supported": 0}  # unmapped


@pytest.mark.parametrize("version", [BASE, WIDE])
def test_mixed_run_equals_the_members_alone_under_their_policy(mapped_run, tmp_path, version):
    """A claim's outcome in the mapped run is the one auditing it under its policy alone gives."""
    out, inputs = mapped_run
    alone = audit_folder(inputs, tmp_path / "alone", policy_version=version)
    mixed = {r["claim_id"]: r for r in read_csv(out / "determinations.csv")}
    for row in read_csv(alone / "determinations.csv"):
        name = row["claim_id"].removeprefix("C-").removesuffix("-0")
        if EXPECTED[name] == version:
            assert mixed[row["claim_id"]] == row


def test_unmapped_claims_use_the_policy_version_option(tmp_path):
    """With --policy-version, the claims the map leaves out follow that version."""
    inputs = write_book(CASES, tmp_path)
    (tmp_path / "map.csv").write_text(MAP_HEADER + f"commercial,NY,{BASE},,\n")
    out = audit_folder(
        inputs, tmp_path / "out", policy_map=tmp_path / "map.csv", policy_version=WIDE
    )
    rows = {r["claim_id"]: r["determination"] for r in read_csv(out / "determinations.csv")}
    assert rows["C-ny-commercial-0"] == "review_required"
    assert {rows[c.claim_id()] for c in CASES if c.name != "ny-commercial"} == {"supported"}


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("line_of_business,state,policy_version\n", "lacks column effective_from"),
        (MAP_HEADER + "medicaid,,CP.MP.99,,\n", "row 1, column policy_version: unknown version"),
        (MAP_HEADER + f"medicaid,,{BASE},2024-13-01,\n", "row 1, column effective_from"),
        (MAP_HEADER + f"medicaid,,{BASE},2024-02-01,2024-01-01\n", "column effective_to"),
        (
            MAP_HEADER + f"medicaid,TX,{BASE},,2024-06-30\nmedicaid,TX,{WIDE},2024-06-01,\n",
            "rows 1 and 2 map the same line of business and state on overlapping dates",
        ),
    ],
)
def test_bad_maps_are_refused_with_one_sentence(tmp_path, text, sentence):
    """A bad policy map stops the run before loading, naming file, row and column."""
    inputs = write_book(CASES[:1], tmp_path)
    (tmp_path / "map.csv").write_text(text)
    result = run_cli("audit", inputs, tmp_path / "out", "--policy-map", str(tmp_path / "map.csv"))
    assert result.exit_code == 2
    assert sentence in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_policies_lists_title_source_and_dates():
    """`ino-audit policies` names every version with its title, source and effective dates; the
    later CP.MP.87 revision (72 h) says its date is not established."""
    from typer.testing import CliRunner

    from ino_audit.cli import app

    result = CliRunner().invoke(app, ["policies"])
    assert result.exit_code == 0
    lines = {x.split(":")[0].removesuffix(" (default)"): x for x in result.output.splitlines()}
    assert "source:" in lines[BASE] and "effective 2020-05-01" in lines[BASE]
    assert "(default)" in lines[BASE]
    assert "Therapeutic Utilization" in lines[WIDE]
    assert "effective date not established" in lines[WIDE]


# The policy library (docs/policies.md): the same scenarios for members of five plans, each
# judged by its plan's version. Scenarios where the versions disagree: 34 0/7 weeks, a bridge to
# CDH repair, a 15-day course without review, a 60-hour one, a child after heart surgery, a low
# oxygenation index, COVID-19 ARDS in an adult, a continuation after a preterm start.
LIBRARY = {
    "AL": "BCBSAL-MP-440-2024-05",
    "PA": "HIGHMARK-G-46-002",
    "AR": "QUALCHOICE-BI374-00",
    "FL": WIDE,
    "NY": BASE,  # unmapped: the default
}
SCENARIOS: dict[str, dict] = {
    "ga34": {"courses": [{"gestational_age_weeks": "34.0"}]},
    "cdh-bridge": {
        "courses": [{"cdh_status": "bridge_to_repair"}],
        "claims": [{"diagnosis_code_2": "Q79.0"}],
    },
    "dur15d": {
        "courses": [{"ino_stop": "2024-03-17T09:00"}],
        "claims": [{"claim_end_date": "2024-03-17"}],
    },
    "dur60h": {"courses": [LONG]},
    "periop-child": {
        "member": {"birth_date": "2022-01-01"},
        "courses": [
            {"surgery_context": "chd_bypass_repair", "alternative_vasodilator_started": "true"}
        ],
    },
    "oi20": {"courses": [{"oxygenation_index": "20"}]},
    "adult-covid": {
        "member": {"birth_date": "1970-01-01"},
        "courses": [
            {
                "gestational_age_weeks": "",
                "oxygenation_index": "",
                "trial_dose_ppm": "",
                "pao2_mmhg": "",
                "pao2_post_trial_mmhg": "",
                "pah_evidence": "",
                "conventional_therapy_failed": "",
                "optimized_ventilation_failed": "true",
            }
        ],
        "claims": [{"diagnosis_code_1": "U07.1", "diagnosis_code_2": "J80"}],
    },
    "cont-preterm": {
        "courses": [
            {"gestational_age_weeks": "33"},
            {
                "ino_start": "2024-03-03T20:00",
                "ino_stop": "2024-03-04T06:00",
                "fio2_current": "0.9",
                "gestational_age_weeks": "",
            },
        ],
        "claims": [
            {},
            {
                "claim_start_date": "2024-03-04",
                "claim_end_date": "2024-03-04",
                "claim_type": "professional",
                "paid_amount": "250.00",
            },
        ],
    },
}
LIBRARY_CASES = [
    Case(
        f"{state.lower()}-{name}",
        member={"state": state, **s.get("member", {})},
        courses=s.get("courses", [{}]),
        claims=s.get("claims", [{}]),
    )
    for state in LIBRARY
    for name, s in SCENARIOS.items()
]
LIBRARY_MAP = MAP_HEADER + "".join(
    f",{state},{version},,\n" for state, version in LIBRARY.items() if version != BASE
)


def _version_of(claim_id: str) -> str:
    """Return the version the library map gives a claim (by its member's state)."""
    return LIBRARY[claim_id.removeprefix("C-")[:2].upper()]


def _comparable(finding: dict[str, str]) -> dict:
    """Return a finding without what belongs to the run (its id)."""
    evidence = json.loads(finding["evidence"])
    evidence.pop("run_id")
    return {**finding, "evidence": evidence}


@pytest.fixture(scope="module")
def library_run(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Audit the library scenarios with the state map; return the output folder and inputs."""
    folder = tmp_path_factory.mktemp("policy-library-map")
    inputs = write_book(LIBRARY_CASES, folder)
    (folder / "map.csv").write_text(LIBRARY_MAP)
    return audit_folder(inputs, folder / "out", policy_map=folder / "map.csv"), inputs


@pytest.mark.parametrize("version", sorted(set(LIBRARY.values())))
def test_library_mixed_run_equals_each_claim_alone_under_its_policy(library_run, tmp_path, version):
    """Every claim's determination, amount at risk and findings in the mixed run are those of
    auditing the extract under the claim's mapped version alone."""
    out, inputs = library_run
    alone = audit_folder(inputs, tmp_path / "alone", policy_version=version)
    mixed = {r["claim_id"]: r for r in read_csv(out / "determinations.csv")}
    mine = [
        r for r in read_csv(alone / "determinations.csv") if _version_of(r["claim_id"]) == version
    ]
    assert len(mine) == sum(len(s.get("claims", [{}])) for s in SCENARIOS.values())
    for row in mine:
        assert mixed[row["claim_id"]] == row, row["claim_id"]
    claims = {r["claim_id"] for r in mine}
    mixed_findings = [
        _comparable(f) for f in read_csv(out / "findings.csv") if f["claim_id"] in claims
    ]
    alone_findings = [
        _comparable(f) for f in read_csv(alone / "findings.csv") if f["claim_id"] in claims
    ]
    assert mixed_findings == alone_findings


def test_library_versions_disagree_where_the_policies_do(library_run):
    """The map really mixes outcomes: the same scenario gets different results by plan."""
    out, _ = library_run
    rows = {
        r["claim_id"]: (r["determination"], r["rule_ids"])
        for r in read_csv(out / "determinations.csv")
    }
    assert rows["C-al-ga34-0"] == ("not_supported", "INO-II-PRETERM")
    assert rows["C-ar-ga34-0"] == rows["C-ny-ga34-0"] == ("supported", "")
    assert rows["C-ar-cdh-bridge-0"] == ("not_supported", "INO-II-CDH")
    assert rows["C-ny-cdh-bridge-0"] == ("supported", "")
    assert rows["C-ar-dur15d-0"][1] == "INO-POL-REVIEW-DAYS"
    assert (
        rows["C-ny-dur15d-0"][1] == "INO-48H-NO-REVIEW" and rows["C-al-dur15d-0"][0] == "supported"
    )
    assert (
        rows["C-fl-dur60h-0"] == ("supported", "") and rows["C-ny-dur60h-0"][0] == "review_required"
    )
    assert rows["C-pa-periop-child-0"] == ("not_supported", "INO-POL-NOT-COVERED")
    assert (
        rows["C-ny-oi20-0"] == ("not_supported", "INO-IA2A-OI")
        and rows["C-pa-oi20-0"][0] == "supported"
    )
    assert rows["C-fl-cont-preterm-1"] == ("review_required", "INO-II-PRETERM")
    assert rows["C-ny-cont-preterm-1"] == ("not_supported", "INO-IB-PRIOR;INO-II-PRETERM")
    by_policy = json.loads((out / "summary.json").read_text())["claims_by_policy"]
    assert set(by_policy) == set(LIBRARY.values())
