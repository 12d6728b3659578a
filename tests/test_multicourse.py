"""Claims over several courses (contract §2): how claims are cut never hides a denial.

Each generated member has one episode of one to three courses, one calendar day each. The same
member is audited twice: once with one claim over every course, once with the claims split at
a course boundary (same codes on every claim). A course that is denied in one version (a deny
rule of I.A or II names it, or its episode's initiation is denied) leaves every claim over it
not_supported in the other version too. INO-IB-NEED is left out on purpose: the contract judges
the continuation need (I.B) only on claims linked to continuing courses alone, so a claim that
bundles the initiation day is not judged by it.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.casebook import Case, write_book
from tests.conftest import audit_folder, read_csv

COURSE_FIELDS = {
    "delivery_route": ["endotracheal", "endotracheal", "nasal_cannula", ""],
    "gestational_age_weeks": ["38", "38", "33", ""],
    "pah_evidence": ["echo", "echo", "none", ""],
    "conventional_therapy_failed": ["true", "true", "false", ""],
    "oxygenation_index": ["30", "30", "20", ""],
    "trial_dose_ppm": ["20", "20", "45", ""],
    "pao2_post_trial_mmhg": ["80", "80", "55", ""],
    "cdh_status": ["none", "none", "unrepaired", "bridge_to_repair", ""],
    "surgery_context": ["none", "none", "chd_bypass_repair", "adult_cardiac_surgery", ""],
    "alternative_vasodilator_started": ["true", "false", ""],
    "positive_vasoreactivity_test": ["false", "false", "true", ""],
    "optimized_ventilation_failed": ["true", "false", ""],
    "fio2_current": ["0.9", "0.9", "0.5", ""],
}
CODES = ["P29.30", "J80", "U07.1", "P27.1", "Q79.0", "P07.37", "P07.33", "I10"]
BIRTH_DATES = {"newborn": "2024-03-01", "child": "2022-01-01", "adult": "1970-01-01"}


def _course(day: int, fields: dict[str, str]) -> dict[str, str]:
    """Return a course on 2024-03-(02+day), 02:00 to 22:00 (4 h gaps keep one episode)."""
    date = f"2024-03-{2 + day:02d}"
    return {**fields, "ino_start": f"{date}T02:00", "ino_stop": f"{date}T22:00"}


def _claim(first: int, last: int, codes: list[str]) -> dict[str, str]:
    """Return a claim over the days of courses first..last with the given diagnosis codes."""
    dx = {f"diagnosis_code_{i}": c for i, c in enumerate(codes, start=1)}
    blank = {f"diagnosis_code_{i}": "" for i in range(1, 3)}
    return {
        **blank,
        **dx,
        "claim_start_date": f"2024-03-{2 + first:02d}",
        "claim_end_date": f"2024-03-{2 + last:02d}",
    }


members = st.fixed_dictionaries(
    {
        "age": st.sampled_from(sorted(BIRTH_DATES)),
        "courses": st.lists(
            st.fixed_dictionaries({k: st.sampled_from(v) for k, v in COURSE_FIELDS.items()}),
            min_size=2,
            max_size=3,
        ),
        "codes": st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
        "cut": st.integers(min_value=1, max_value=2),
    }
)


def _versions(i: int, m: dict) -> tuple[Case, Case]:
    """Return the member with one claim over every course, and with the claims split."""
    n = len(m["courses"])
    cut = min(m["cut"], n - 1)
    courses = [_course(d, f) for d, f in enumerate(m["courses"])]
    member = {"birth_date": BIRTH_DATES[m["age"]]}
    whole = Case(
        f"p{i}-whole", member=member, courses=courses, claims=[_claim(0, n - 1, m["codes"])]
    )
    split = Case(
        f"p{i}-split",
        member=member,
        courses=courses,
        claims=[_claim(0, cut - 1, m["codes"]), _claim(cut, n - 1, m["codes"])],
    )
    return whole, split


def _denied_courses(out: Path, case: Case, n_courses: int) -> set[int]:
    """Return the courses a deny rule names (all of them when the initiation is denied)."""
    names = {f"E-{case.name}-{k}": k for k in range(n_courses)}
    denied: set[int] = set()
    for f in read_csv(out / "findings.csv"):
        if f["severity"] != "deny" or f["rule_id"] == "INO-IB-NEED":
            continue
        if f["claim_id"] not in {case.claim_id(j) for j in range(2)}:
            continue
        evidence = json.loads(f["evidence"])
        denied |= {names[e] for e in evidence.get("encounter_ids", []) if e in names}
    return set(range(n_courses)) if 0 in denied else denied


def _claims_over(case: Case, course: int, cut: int) -> list[str]:
    """Return the ids of the case's claims whose days include the course's day."""
    if len(case.claims) == 1:
        return [case.claim_id(0)]
    return [case.claim_id(0 if course < cut else 1)]


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # each example is an audit: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(members, min_size=12, max_size=12))
def test_splitting_or_merging_claims_never_hides_a_denial(tmp_path_factory, batch):
    """A course denied under one cut of the claims leaves its claims denied under the other."""
    pairs = [(m, *_versions(i, m)) for i, m in enumerate(batch)]
    folder = tmp_path_factory.mktemp("multicourse")
    cases = [c for _, whole, split in pairs for c in (whole, split)]
    out = audit_folder(write_book(cases, folder), folder / "out", run_id="multicourse")
    determination = {
        r["claim_id"]: r["determination"] for r in read_csv(out / "determinations.csv")
    }
    for m, whole, split in pairs:
        n = len(m["courses"])
        cut = min(m["cut"], n - 1)
        for this, other in ((whole, split), (split, whole)):
            for course in _denied_courses(out, this, n):
                for claim in _claims_over(other, course, cut):
                    assert determination[claim] == "not_supported", (this.name, course, claim)
