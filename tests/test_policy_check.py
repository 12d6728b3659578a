"""`ino-audit policies --check`, the example policy of docs/policies.md audited from an analyst's
folder (a hard maximum that puts only the lines beyond it at risk), and the denial codes that
follow a policy's tags through review and recovery."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ino_audit.cli import app
from ino_audit.engine import policy
from ino_audit.infra.paths import DOCS_DIR, POLICIES_DIR
from tests.casebook import CHILD, PERIOP, Case, deny, review, write_book
from tests.conftest import audit_folder, read_csv

EXAMPLE = "EXAMPLE-EX-INO-1-2025-01"
BI374 = POLICIES_DIR / "QUALCHOICE-BI374-00.toml"


def example_text() -> str:
    """Return the example policy file of docs/policies.md."""
    doc = (DOCS_DIR / "policies.md").read_text()
    block = doc.split("<!-- example-policy -->")[1].split("<!-- /example-policy -->")[0]
    return re.search(r"```toml\n(.*?)```", block, re.S).group(1)


def check(path: Path):
    """Run `ino-audit policies --check PATH`; return the result."""
    return CliRunner().invoke(app, ["policies", "--check", str(path)])


@pytest.mark.parametrize("path", sorted(POLICIES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_policies_are_valid(path):
    """Every shipped file passes the check and says what applies."""
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output


def test_every_shipped_policy_states_source_and_assumptions():
    """Each version names payer, number, title and revision date, and records assumptions."""
    for version in policy.available():
        pol = policy.load(version)
        assert all(pol.source_info[k] for k in ("payer", "number", "title", "revision_date"))
        assert pol.assumptions, version
    assert policy.default_version() == "CP.MP.87-2020-05"


def test_the_documented_example_is_valid(tmp_path):
    """The fifth-policy example of docs/policies.md passes the check as written."""
    (tmp_path / "example.toml").write_text(example_text())
    result = check(tmp_path / "example.toml")
    assert result.exit_code == 0, result.output


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    """Write BI374 with one change under a new version id; return the file."""
    text = BI374.read_text().replace('"QUALCHOICE-BI374-00"', '"QUALCHOICE-BI374-TEST"')
    text = text.replace(
        'effective_from = "2016-12-01"',
        'effective_from = "1990-01-01"\neffective_to = "2016-11-30"',
    )
    text = text.replace('revision_date = "2016-12-01"', 'revision_date = "1990-01"')
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        ('"INO-IA2A-OI",', '"INO-IA2A-XX",', "[rules] names an unknown rule id INO-IA2A-XX."),
        (
            '"INO-IA2A-OI",',
            "",
            "[params] lacks min_oxygenation_index, which rule INO-IA2A-OI reads.",
        ),
        (
            'covered = ">= 34"',
            'covered = "34"',
            "[gestational_age] covered '34' must be an operator",
        ),
        (
            'codes = ["J80"]',
            'codes = ["J80", "J99.99"]',
            "ards: J99.99 expands to no ICD-10-CM code.",
        ),
        ('codes = ["J80"]', 'codes = ["80J"]', "ards code '80J' is not an ICD-10-CM code"),
        (
            'codes = ["J80"]',
            'value_sets = ["no_such_set"]',
            "ards: value set no_such_set is not in valuesets/value_sets.csv",
        ),
        (
            'tag = "not_medically_necessary"\nsection = "Medical Statement 3.a"',
            'tag = "unproven"\nsection = "3.a"',
            "acute_bronchiolitis tag must be investigational or not_medically_necessary.",
        ),
        (
            "review_beyond_days = 14",
            "review_beyond_days = -1",
            "[duration] review_beyond_days must be a positive number.",
        ),
        (
            "review_beyond_days = 14",
            "max_days = 30",
            "[duration] max_days is set but rule INO-POL-MAX-DAYS does not apply.",
        ),
        (
            '"INO-POL-REVIEW-DAYS"]',
            "]",
            "[duration] review_beyond_days is set but rule INO-POL-REVIEW-DAYS does not apply.",
        ),
        (
            "[pathways.perioperative]\ncovered = false",
            '[pathways.perioperative]\ncovered = "no"',
            "[pathways.perioperative] covered must be true or false.",
        ),
        (
            "[pathways.neonatal]",
            "[pathways.newborn]",
            "[pathways] names an unknown pathway newborn",
        ),
        (
            'documentation = ["gestational_age_weeks", "cdh_status"]',
            'documentation = ["birth_weight"]',
            "[pathways.neonatal] documentation names an unknown field birth_weight",
        ),
        (
            "episode_gap_hours = 24",
            'episode_gap_hours = "24"',
            "[params] episode_gap_hours must be a number",
        ),
        (
            "episode_gap_hours = 24",
            "episode_gap_hourz = 24",
            "[params] episode_gap_hourz is not a parameter any rule reads.",
        ),
        ("\n[assumptions]\n", "\n[assumption]\n", "The file has an unknown key assumption"),
        (
            'effective_from = "1990-01-01"',
            'effective_from = "2020-02-30"',
            "[policy] effective_from '2020-02-30' is not a date",
        ),
        (
            'effective_to = "2016-11-30"',
            'effective_to = "2016-12-01"',
            "[policy] effective dates 1990-01-01 to 2016-12-01 overlap those of "
            "QUALCHOICE-BI374-00 (2016-12-01 to open), another version of BI374:00",
        ),
        (
            '"QUALCHOICE-BI374-TEST"',
            '"QUALCHOICE-BI374-00"',
            "[policy] version QUALCHOICE-BI374-00 is already defined by",
        ),
        (
            "default = false",
            "default = true",
            "[policy] default is true, but CP.MP.87-2020-05 is already the default version.",
        ),
        (
            "INO-II-CDH = { tag",
            "INO-DOC-MISSING = { tag",
            "[rules.overrides] INO-DOC-MISSING has a tag, but only a rule that denies takes one.",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_bad_files_are_named_by_key(tmp_path, old, new, sentence):
    """Each problem is one sentence naming the key, and the check exits 2."""
    result = check(_mutated(tmp_path, old, new))
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and sentence in text, text
    assert "Traceback" not in result.output


def test_a_new_version_of_a_policy_before_the_current_one_is_valid(tmp_path):
    """An earlier version of BI374 that ends the day before the shipped one starts is valid."""
    result = check(_mutated(tmp_path, "[rules.overrides]", "[rules.overrides]"))
    assert result.exit_code == 0, result.output


def test_not_toml_is_one_sentence(tmp_path):
    """A file that is not TOML is one sentence with the line, and exit 2."""
    (tmp_path / "x.toml").write_text("[policy\nversion = 1\n")
    result = check(tmp_path / "x.toml")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "is not valid TOML" in result.output


def test_an_invalid_installed_file_stops_the_audit(tmp_path, monkeypatch):
    """An invalid file in an analyst's folder stops any run with one sentence naming it."""
    (tmp_path / "broken.toml").write_text('[policy]\nversion = "X"\n')
    monkeypatch.setenv(policy.POLICY_DIRS_ENV, str(tmp_path))
    result = CliRunner().invoke(app, ["policies"])
    assert result.exit_code == 2 and "broken.toml is not valid" in " ".join(result.output.split())


# The example policy, audited from an analyst's folder: 35 weeks, OI 20, review after 96 h,
# at most 14 days. A 16-day course (2024-03-02 08:00 to 2024-03-18 08:00) reaches the maximum
# on 2024-03-16: the lines dated from then to the stop are at risk, prorated when they straddle.
LINES = [
    {
        "claim_line_start_date": "2024-03-02",
        "claim_line_end_date": "2024-03-11",
        "paid_amount": "1000.00",
    },
    {
        "claim_line_start_date": "2024-03-12",
        "claim_line_end_date": "2024-03-17",
        "paid_amount": "600.00",
    },
    {
        "claim_line_start_date": "2024-03-18",
        "claim_line_end_date": "2024-03-18",
        "paid_amount": "100.00",
    },
    {
        "claim_line_start_date": "2024-03-19",
        "claim_line_end_date": "2024-03-19",
        "paid_amount": "50.00",
    },
]
SIXTEEN_DAYS = {"ino_stop": "2024-03-18T08:00", "medical_director_review_date": "2024-03-05"}
LONG_CLAIM = {
    "claim_start_date": "2024-03-02",
    "claim_end_date": "2024-03-19",
    "paid_date": "2026-01-15",
    "_lines": LINES,
}
EXAMPLE_CASES = [
    Case("ex-supported"),
    Case(
        "ex-ga-34.9", courses=[{"gestational_age_weeks": "34.9"}], expect=[deny("INO-II-PRETERM")]
    ),
    Case("ex-ga-35", courses=[{"gestational_age_weeks": "35"}]),
    Case("ex-oi-20", courses=[{"oxygenation_index": "20"}]),
    Case("ex-oi-19.9", courses=[{"oxygenation_index": "19.9"}], expect=[deny("INO-IA2A-OI")]),
    Case("ex-periop-child", member=CHILD, courses=[PERIOP], expect=[deny("INO-POL-NOT-COVERED")]),
    Case("ex-bpd", claims=[{"diagnosis_code_2": "P27.1"}], expect=[deny("INO-POL-EXCLUDED-DX")]),
    Case(
        "ex-dur-96h",
        courses=[{"ino_stop": "2024-03-06T08:00"}],
        claims=[{"claim_end_date": "2024-03-06"}],
    ),
    Case(
        "ex-dur-97h",
        courses=[{"ino_stop": "2024-03-06T09:00"}],
        claims=[{"claim_end_date": "2024-03-06"}],
        expect=[review("INO-48H-NO-REVIEW")],
    ),
    Case(
        "ex-dur-14d",
        courses=[{"ino_stop": "2024-03-16T08:00", "medical_director_review_date": "2024-03-05"}],
        claims=[
            {"claim_start_date": "2024-03-02", "claim_end_date": "2024-03-19", "_lines": LINES}
        ],
    ),
    Case(
        "ex-dur-16d", courses=[SIXTEEN_DAYS], claims=[LONG_CLAIM], expect=[deny("INO-POL-MAX-DAYS")]
    ),
    Case(
        "ex-dur-16d-bronchiolitis",
        courses=[SIXTEEN_DAYS],
        claims=[{**LONG_CLAIM, "diagnosis_code_2": "J21.0"}],
        expect=[deny("INO-POL-EXCLUDED-DX", "INO-POL-MAX-DAYS")],
    ),
]


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    """Audit the example cases under the example policy kept in an analyst's folder; yield the
    output folder with the folder still installed (for recovery)."""
    folder = tmp_path_factory.mktemp("example-policy")
    (folder / "plan-policies").mkdir()
    (folder / "plan-policies" / "example.toml").write_text(example_text())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(policy.POLICY_DIRS_ENV, str(folder / "plan-policies"))
        inputs = write_book(EXAMPLE_CASES, folder)
        yield audit_folder(inputs, folder / "out", policy_version=EXAMPLE, run_id="example")


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=[c.name for c in EXAMPLE_CASES])
def test_example_policy_case(example_run, case):
    """Each example case gets exactly the expected determination and rule ids."""
    rows = {r["claim_id"]: r for r in read_csv(example_run / "determinations.csv")}
    for i, (determination, rule_ids) in enumerate(case.expect):
        row = rows[case.claim_id(i)]
        assert (row["determination"], set(filter(None, row["rule_ids"].split(";")))) == (
            determination,
            rule_ids,
        )


def test_hard_maximum_puts_only_the_lines_beyond_it_at_risk(example_run):
    """Beyond 14 days only lines dated 2024-03-16..18 are at risk: 2 of the second line's 6 days
    (200.00) and the third line (100.00); the first line and the line after the stop are not.
    With another denial the whole claim is at risk."""
    rows = {r["claim_id"]: r for r in read_csv(example_run / "determinations.csv")}
    assert (rows["C-ex-dur-16d-0"]["paid_amount"], rows["C-ex-dur-16d-0"]["amount_at_risk"]) == (
        "1750.00",
        "300.00",
    )
    assert rows["C-ex-dur-16d-bronchiolitis-0"]["amount_at_risk"] == "1750.00"
    (f,) = [
        f
        for f in read_csv(example_run / "findings.csv")
        if (f["claim_id"], f["rule_id"]) == ("C-ex-dur-16d-0", "INO-POL-MAX-DAYS")
    ]
    evidence = json.loads(f["evidence"])
    assert evidence["first_day_beyond"] == "2024-03-16" and evidence["max_days"] == 14
    assert [
        (x["claim_line_number"], x["days_beyond"], x["amount_at_risk"])
        for x in evidence["lines_beyond"]
    ] == [
        (2, 2, 200.0),
        (3, 1, 100.0),
    ]
    assert "not at risk" in evidence["at_risk_basis"]
    summary = json.loads((example_run / "summary.json").read_text())
    assert summary["policy_version"] == EXAMPLE


def _review_and_recover(audit_dir: Path, tmp_path: Path, claims: list[str]) -> dict[str, dict]:
    """Uphold the claims without an amount, recover; return the adjustments by claim."""
    review = tmp_path / "review.csv"
    review.write_text(
        "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"
        + "".join(f"{c},upheld,,dr.kim,2026-11-02,checked\n" for c in claims)
    )
    runner = CliRunner()
    result = runner.invoke(app, ["review", "import", str(review), "--from", str(audit_dir)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "recovery"
    args = ["recover", "--from", str(audit_dir), "--out", str(out), "--as-of", "2026-12-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return {r["claim_id"]: r for r in read_csv(out / "adjustments.csv")}


PAID = {"paid_date": "2026-01-15"}
TAGGED = [
    # 34 0/7 weeks under MP-440 (Alabama): investigational
    Case(
        "al-ga34",
        member={"state": "AL"},
        courses=[{"gestational_age_weeks": "34.0"}],
        claims=[PAID],
    ),
    # a child after heart surgery under MP-440: investigational indication
    Case("al-periop", member={"state": "AL", **CHILD}, courses=[PERIOP], claims=[PAID]),
    # bronchiolitis under BI374 (Arkansas): not medically necessary
    Case(
        "ar-bronchiolitis", member={"state": "AR"}, claims=[{**PAID, "diagnosis_code_2": "J21.0"}]
    ),
    # bronchiolitis under CP.MP.87 (unmapped): the rule's own code, diagnosis not covered
    Case(
        "ny-bronchiolitis", member={"state": "NY"}, claims=[{**PAID, "diagnosis_code_2": "J21.0"}]
    ),
]
TAGGED_MAP = (
    "line_of_business,state,policy_version,effective_from,effective_to\n"
    ",AL,BCBSAL-MP-440-2024-05,,\n,AR,QUALCHOICE-BI374-00,,\n"
)


def test_denial_codes_follow_the_policy_tag(tmp_path):
    """Upheld denials take CARC 55 when the policy calls the use investigational, CARC 50 when
    not medically necessary, the rule's own code when untagged; the reference cites the policy
    that judged the claim."""
    (tmp_path / "map.csv").write_text(TAGGED_MAP)
    out = audit_folder(
        write_book(TAGGED, tmp_path), tmp_path / "out", policy_map=tmp_path / "map.csv"
    )
    adjustments = _review_and_recover(out, tmp_path, [c.claim_id() for c in TAGGED])
    got = {c: (a["group_code"], a["carc"], a["policy_reference"]) for c, a in adjustments.items()}
    assert got == {
        "C-al-ga34-0": ("CO", "55", "MP-440 Policy: premature neonates born at 34 weeks or less"),
        "C-al-periop-0": (
            "CO",
            "55",
            "MP-440 Policy: postoperative use in congenital heart disease",
        ),
        "C-ar-bronchiolitis-0": ("CO", "50", "BI374:00 Medical Statement 3.a"),
        "C-ny-bronchiolitis-0": ("CO", "167", "CP.MP.87 II"),
    }
    assert all(a["adjustment_amount"] == "1000.00" for a in adjustments.values())


def test_upheld_maximum_recovers_only_the_lines_beyond_it(example_run, tmp_path):
    """An upheld hard-maximum denial with no amount recovers the amount at risk, not the claim."""
    adjustments = _review_and_recover(example_run, tmp_path, ["C-ex-dur-16d-0"])
    a = adjustments["C-ex-dur-16d-0"]
    assert (a["carc"], a["rarc"], a["adjustment_amount"]) == ("152", "N362;N432", "300.00")
    assert a["policy_reference"] == "EX-INO-1 2"
