"""Given/expect cases for the rules: each case is one member with courses and claims.

A case starts from a fully supported newborn course and changes only what it tests, so every
expected rule-id set is exact. All cases of a book are audited together in one run.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ino_audit.ingest.schema import columns

BASE_MEMBER = {"birth_date": "2024-03-01", "sex": "F", "line_of_business": "medicaid"}
BASE_COURSE = {
    "ino_start": "2024-03-02T08:00",
    "ino_stop": "2024-03-03T08:00",
    "delivery_route": "endotracheal",
    "gestational_age_weeks": "38",
    "pah_evidence": "echo",
    "conventional_therapy_failed": "true",
    "oxygenation_index": "30",
    "trial_dose_ppm": "20",
    "pao2_mmhg": "50",
    "pao2_post_trial_mmhg": "80",
    "max_dose_ppm": "20",
    "cdh_status": "none",
    "surgery_context": "none",
}
BASE_CLAIM = {
    "claim_type": "institutional",
    "claim_start_date": "2024-03-01",
    "claim_end_date": "2024-03-05",
    "bill_type_code": "111",
    "facility_npi": "1000000001",
    "paid_amount": "1000.00",
    "diagnosis_code_1": "P29.30",
    "procedure_code_1": "3E0F7SD",
}


@dataclass
class Case:
    """One scenario: its member, courses and claims, and the expected outcome per claim."""

    name: str
    member: dict[str, Any] | None = field(default_factory=dict)
    courses: list[dict[str, Any]] = field(default_factory=lambda: [{}])
    claims: list[dict[str, Any]] = field(default_factory=lambda: [{}])
    expect: list[tuple[str, set[str]]] = field(default_factory=lambda: [("supported", set())])

    def member_id(self) -> str:
        """Return the case's member id."""
        return f"M-{self.name}"

    def claim_id(self, i: int = 0) -> str:
        """Return the id of the case's i-th claim."""
        return f"C-{self.name}-{i}"


def _full(source: str, row: dict[str, Any]) -> dict[str, Any]:
    """Return a row with every contract column of a source (missing ones empty)."""
    return {c.name: row.get(c.name, "") for c in columns(source)}


def write_book(cases: list[Case], folder: Path) -> dict[str, str]:
    """Write the cases as claims/encounters/members CSVs; return the paths."""
    claims, encounters, members = [], [], []
    for case in cases:
        mid = case.member_id()
        if case.member is not None:
            members.append(_full("members", {"member_id": mid, **BASE_MEMBER, **case.member}))
        for i, course in enumerate(case.courses):
            row = {"encounter_id": f"E-{case.name}-{i}", "member_id": mid, **BASE_COURSE, **course}
            encounters.append(_full("encounters", row))
        for i, claim in enumerate(case.claims):
            lines = claim.get("_lines") or [{}]
            claim = {k: v for k, v in claim.items() if k != "_lines"}
            for n, line in enumerate(lines, start=1):
                row = {
                    "claim_id": case.claim_id(i),
                    "claim_line_number": n,
                    "member_id": mid,
                    **BASE_CLAIM,
                    **claim,
                    **line,
                }
                claims.append(_full("claims", row))
    paths = {}
    for source, rows in (("claims", claims), ("encounters", encounters), ("members", members)):
        path = folder / f"{source}.csv"
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=[c.name for c in columns(source)])
            writer.writeheader()
            writer.writerows(rows)
        paths[source] = str(path)
    return paths


def newborn(**course: Any) -> dict[str, Any]:
    """Return a newborn course differing from the supported base by the given fields."""
    return dict(course)


# Course fields that make a continuing course (12 h after the base course, 10 h long).
CONTINUING = {
    "ino_start": "2024-03-03T20:00",
    "ino_stop": "2024-03-04T06:00",
    "fio2_current": "0.9",
}
CONTINUING_CLAIM = {
    "claim_start_date": "2024-03-04",
    "claim_end_date": "2024-03-04",
    "claim_type": "professional",
    "bill_type_code": "",
    "paid_amount": "250.00",
}
ADULT = {"birth_date": "1970-01-01"}
ADULT_COVID_CLAIM = {"diagnosis_code_1": "U07.1", "diagnosis_code_2": "J80"}
ADULT_COURSE = {
    "gestational_age_weeks": "",
    "oxygenation_index": "",
    "trial_dose_ppm": "",
    "pao2_mmhg": "",
    "pao2_post_trial_mmhg": "",
    "pah_evidence": "",
    "conventional_therapy_failed": "",
    "optimized_ventilation_failed": "true",
}
PERIOP = {"surgery_context": "chd_bypass_repair", "alternative_vasodilator_started": "true"}
CHILD = {"birth_date": "2022-01-01"}
# A 12 h perioperative initiation, then a 23 h course 1 h after it stops (issue example).
SHORT_PERIOP = {
    "ino_stop": "2024-03-02T20:00",
    "surgery_context": "ph_crisis_heart_lung_surgery",
    "alternative_vasodilator_started": "true",
}
NEXT_COURSE = {
    "ino_start": "2024-03-02T21:00",
    "ino_stop": "2024-03-03T20:00",
    "fio2_current": "0.9",
}
NEXT_DAY_CLAIM = {
    **CONTINUING_CLAIM,
    "claim_start_date": "2024-03-03",
    "claim_end_date": "2024-03-03",
}
SUPPORTED: tuple[str, set[str]] = ("supported", set())


def deny(*ids: str) -> tuple[str, set[str]]:
    """Expected not_supported with these rule ids."""
    return ("not_supported", set(ids))


def records(*ids: str) -> tuple[str, set[str]]:
    """Expected insufficient_documentation with these rule ids."""
    return ("insufficient_documentation", set(ids))


def review(*ids: str) -> tuple[str, set[str]]:
    """Expected review_required with these rule ids."""
    return ("review_required", set(ids))


CASES: list[Case] = [
    Case("neonatal-supported"),
    # I.A.1 route
    Case(
        "route-cannula",
        courses=[newborn(delivery_route="nasal_cannula")],
        expect=[deny("INO-IA1-ROUTE")],
    ),
    Case("route-trach", courses=[newborn(delivery_route="tracheostomy")]),
    Case(
        "route-missing",
        courses=[newborn(delivery_route="")],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    # I.A.2.a newborn criteria and boundaries
    Case("pah-none", courses=[newborn(pah_evidence="none")], expect=[deny("INO-IA2A-PAH")]),
    Case("pah-clinical", courses=[newborn(pah_evidence="clinical")]),
    Case(
        "conv-false",
        courses=[newborn(conventional_therapy_failed="false")],
        expect=[deny("INO-IA2A-CONV")],
    ),
    Case("conv-yes-letter", courses=[newborn(conventional_therapy_failed="Y")]),
    Case("oi-24.9", courses=[newborn(oxygenation_index="24.9")], expect=[deny("INO-IA2A-OI")]),
    Case("oi-25", courses=[newborn(oxygenation_index="25")]),
    Case(
        "oi-computed-25",
        courses=[
            newborn(
                oxygenation_index="", fio2="1.0", mean_airway_pressure_cmh2o="12.5", pao2_mmhg="50"
            )
        ],
    ),
    Case(
        "oi-computed-24",
        courses=[
            newborn(
                oxygenation_index="", fio2="0.96", mean_airway_pressure_cmh2o="12.5", pao2_mmhg="50"
            )
        ],
        expect=[deny("INO-IA2A-OI")],
    ),
    Case(
        "oi-computed-percent-fio2",
        courses=[
            newborn(
                oxygenation_index="", fio2="100", mean_airway_pressure_cmh2o="12.5", pao2_mmhg="50"
            )
        ],
    ),
    Case(
        "oi-missing",
        courses=[newborn(oxygenation_index="")],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    Case("trial-40", courses=[newborn(trial_dose_ppm="40")]),
    Case("trial-41", courses=[newborn(trial_dose_ppm="41")], expect=[deny("INO-IA2A-RESPONSE")]),
    Case(
        "pao2-rise-19",
        courses=[newborn(pao2_post_trial_mmhg="69")],
        expect=[deny("INO-IA2A-RESPONSE")],
    ),
    Case("pao2-rise-20", courses=[newborn(pao2_post_trial_mmhg="70")]),
    Case("oi-fall-20pct", courses=[newborn(pao2_post_trial_mmhg="", oi_post_trial="24")]),
    # Thresholds compare exact decimals (contract §2): binary noise never decides
    Case("pao2-rise-20-decimal", courses=[newborn(pao2_mmhg="50.1", pao2_post_trial_mmhg="70.1")]),
    Case(
        "oi-fall-20pct-decimal",
        courses=[newborn(oxygenation_index="28.7", pao2_post_trial_mmhg="", oi_post_trial="22.96")],
    ),
    Case(
        "oi-computed-25-decimal",
        courses=[
            newborn(
                oxygenation_index="",
                fio2="0.35",
                mean_airway_pressure_cmh2o="22.5",
                pao2_mmhg="31.5",
            )
        ],
    ),
    Case(
        "oi-fall-20pct-low-oi",
        courses=[newborn(oxygenation_index="13.5", pao2_post_trial_mmhg="", oi_post_trial="10.8")],
        expect=[deny("INO-IA2A-OI")],
    ),
    Case(
        "oi-fall-19pct",
        courses=[newborn(pao2_post_trial_mmhg="", oi_post_trial="24.3")],
        expect=[deny("INO-IA2A-RESPONSE")],
    ),
    Case(
        "trial-pair-missing",
        courses=[newborn(pao2_post_trial_mmhg="")],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    Case(
        "trial-dose-missing",
        courses=[newborn(trial_dose_ppm="")],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    # Age boundaries: newborn is up to 28 days
    Case("age-28-days", member={"birth_date": "2024-02-03"}),
    Case("age-29-days", member={"birth_date": "2024-02-02"}, expect=[deny("INO-IA2-NONE")]),
    # Gestational age boundaries and sources
    Case(
        "ga-33.9", courses=[newborn(gestational_age_weeks="33.9")], expect=[deny("INO-II-PRETERM")]
    ),
    Case("ga-34.0", courses=[newborn(gestational_age_weeks="34.0")]),
    Case(
        "ga-from-p07-preterm",
        courses=[newborn(gestational_age_weeks="")],
        claims=[{"diagnosis_code_2": "P07.35"}],
        expect=[deny("INO-II-PRETERM")],
    ),
    Case(
        "ga-from-p07-34wk",
        courses=[newborn(gestational_age_weeks="")],
        claims=[{"diagnosis_code_2": "p0737"}],
    ),
    Case(
        "ga-conflict",
        claims=[{"diagnosis_code_2": "P07.35"}],
        expect=[review("INO-DATA-GA-CONFLICT")],
    ),
    Case(
        "infant-preterm-no-pathway",
        member={"birth_date": "2024-01-01"},
        courses=[newborn(gestational_age_weeks="33")],
        expect=[deny("INO-II-PRETERM")],
    ),
    Case(
        "ga-missing",
        courses=[newborn(gestational_age_weeks="")],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    # OI conflict: documented 30 vs computed 1.0 x 10 x 100 / 50 = 20
    Case(
        "oi-conflict",
        courses=[newborn(fio2="1.0", mean_airway_pressure_cmh2o="10", pao2_mmhg="50")],
        expect=[review("INO-DATA-OI-CONFLICT")],
    ),
    Case(
        "oi-within-10pct",
        courses=[
            newborn(
                oxygenation_index="27.4",
                fio2="1.0",
                mean_airway_pressure_cmh2o="12.5",
                pao2_mmhg="50",
            )
        ],
    ),
    Case(
        "oi-over-10pct",
        courses=[
            newborn(
                oxygenation_index="27.6",
                fio2="1.0",
                mean_airway_pressure_cmh2o="12.5",
                pao2_mmhg="50",
            )
        ],
        expect=[review("INO-DATA-OI-CONFLICT")],
    ),
    # Duration and review (48 h, policy I note)
    Case("dur-48h", courses=[newborn(ino_stop="2024-03-04T08:00")]),
    Case(
        "dur-48h-1min",
        courses=[newborn(ino_stop="2024-03-04T08:01")],
        expect=[review("INO-48H-NO-REVIEW")],
    ),
    Case(
        "dur-60h-reviewed",
        courses=[newborn(ino_stop="2024-03-04T20:00", medical_director_review_date="2024-03-04")],
    ),
    Case(
        "dur-8d-reviewed",
        courses=[newborn(ino_stop="2024-03-10T09:00", medical_director_review_date="2024-03-04")],
        claims=[{"claim_end_date": "2024-03-12"}],
    ),
    # Exclusions (II)
    Case(
        "bronchiolitis",
        claims=[{"diagnosis_code_2": "J21.0"}],
        expect=[deny("INO-II-BRONCHIOLITIS")],
    ),
    Case(
        "bpd",
        claims=[{"_lines": [{}, {"diagnosis_code_1": "P27.1", "procedure_code_1": ""}]}],
        expect=[deny("INO-II-BPD")],
    ),
    Case("cdh-code", claims=[{"diagnosis_code_2": "Q79.0"}], expect=[deny("INO-II-CDH")]),
    Case("cdh-unrepaired", courses=[newborn(cdh_status="unrepaired")], expect=[deny("INO-II-CDH")]),
    Case(
        "cdh-bridge",
        courses=[newborn(cdh_status="bridge_to_repair")],
        claims=[{"diagnosis_code_2": "Q79.0"}],
    ),
    Case("sickle", claims=[{"diagnosis_code_2": "D57.00"}], expect=[deny("INO-II-SICKLE")]),
    # Perioperative (I.A.2.b) in a 2-year-old child
    Case("periop-supported", member={"birth_date": "2022-01-01"}, courses=[newborn(**PERIOP)]),
    Case(
        "periop-pah-none",
        member={"birth_date": "2022-01-01"},
        courses=[newborn(**PERIOP, pah_evidence="none")],
        expect=[deny("INO-IA2B-PAH")],
    ),
    Case(
        "periop-no-wean",
        member={"birth_date": "2022-01-01"},
        courses=[newborn(**{**PERIOP, "alternative_vasodilator_started": "false"})],
        expect=[deny("INO-IA2B-WEAN")],
    ),
    Case(
        "periop-wean-missing",
        member={"birth_date": "2022-01-01"},
        courses=[newborn(**{**PERIOP, "alternative_vasodilator_started": ""})],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    Case(
        "periop-cdh-preop",
        member={"birth_date": "2024-02-20"},
        courses=[
            newborn(
                surgery_context="cdh_preop_ph_crisis",
                cdh_status="unrepaired",
                alternative_vasodilator_started="true",
            )
        ],
        claims=[{"diagnosis_code_2": "Q79.0"}],
    ),
    Case(
        "periop-infant-ga-33",
        member={"birth_date": "2023-06-01"},
        courses=[newborn(**PERIOP, gestational_age_weeks="33")],
        expect=[deny("INO-II-PRETERM")],
    ),
    Case(
        "periop-age-1y-ga-33",
        member={"birth_date": "2023-03-02"},
        courses=[newborn(**PERIOP, gestational_age_weeks="33")],
    ),
    Case("periop-age-17y", member={"birth_date": "2006-03-03"}, courses=[newborn(**PERIOP)]),
    # Adults
    Case(
        "adult-18y-postop",
        member={"birth_date": "2006-03-02"},
        courses=[newborn(**PERIOP)],
        expect=[deny("INO-II-ADULT-POSTOP")],
    ),
    Case(
        "adult-no-pathway",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE)],
        expect=[deny("INO-IA2-NONE")],
    ),
    Case(
        "adult-ards",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE)],
        claims=[{"diagnosis_code_1": "J80"}],
        expect=[deny("INO-II-ADULT-ARDS")],
    ),
    Case(
        "adult-vasoreact",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE, positive_vasoreactivity_test="true")],
        claims=[{"diagnosis_code_1": "I27.0"}],
        expect=[deny("INO-II-ADULT-VASOREACT")],
    ),
    # COVID-19 (I.A.2.c)
    Case(
        "covid-supported",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE)],
        claims=[ADULT_COVID_CLAIM],
    ),
    Case(
        "covid-u072",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE)],
        claims=[{"diagnosis_code_1": "U07.2", "diagnosis_code_2": "J80"}],
    ),
    Case(
        "covid-no-ards",
        member=ADULT,
        courses=[newborn(**ADULT_COURSE)],
        claims=[{"diagnosis_code_1": "U07.1"}],
        expect=[deny("INO-IA2C-ARDS")],
    ),
    Case(
        "covid-not-hypoxic",
        member=ADULT,
        courses=[newborn(**{**ADULT_COURSE, "optimized_ventilation_failed": "false"})],
        claims=[ADULT_COVID_CLAIM],
        expect=[deny("INO-IA2C-HYPOX")],
    ),
    Case(
        "covid-field-missing",
        member=ADULT,
        courses=[newborn(**{**ADULT_COURSE, "optimized_ventilation_failed": ""})],
        claims=[ADULT_COVID_CLAIM],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    # Continuation (I.B): claim 1 links only to the continuing course
    Case(
        "cont-supported",
        courses=[{}, CONTINUING],
        claims=[{}, CONTINUING_CLAIM],
        expect=[SUPPORTED, SUPPORTED],
    ),
    Case(
        "cont-weaning",
        courses=[
            {},
            {**CONTINUING, "fio2_current": "0.6", "weaning_started_at": "2024-03-03T22:00"},
        ],
        claims=[{}, CONTINUING_CLAIM],
        expect=[SUPPORTED, SUPPORTED],
    ),
    Case(
        "cont-no-need",
        courses=[{}, {**CONTINUING, "fio2_current": "0.79"}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[SUPPORTED, deny("INO-IB-NEED")],
    ),
    Case(
        "cont-fio2-80",
        courses=[{}, {**CONTINUING, "fio2_current": "0.80"}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[SUPPORTED, SUPPORTED],
    ),
    Case(
        "cont-undocumented",
        courses=[{}, {**CONTINUING, "fio2_current": ""}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[SUPPORTED, records("INO-DOC-INCOMPLETE")],
    ),
    Case(
        "cont-prior-denied",
        courses=[newborn(pah_evidence="none"), CONTINUING],
        claims=[{}, CONTINUING_CLAIM],
        expect=[deny("INO-IA2A-PAH"), deny("INO-IB-PRIOR")],
    ),
    Case(
        "cont-prior-incomplete",
        courses=[newborn(pah_evidence=""), CONTINUING],
        claims=[{}, CONTINUING_CLAIM],
        expect=[records("INO-DOC-INCOMPLETE"), SUPPORTED],
    ),
    Case(
        "cont-preterm-fallback",
        courses=[newborn(gestational_age_weeks="33"), {**CONTINUING, "gestational_age_weeks": ""}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[deny("INO-II-PRETERM"), deny("INO-IB-PRIOR", "INO-II-PRETERM")],
    ),
    # A claim over several courses (contract §2): exclusions and data rules judge every linked
    # course; I.A the initiating ones; I.B only claims linked to continuing courses alone.
    Case(
        "span-cdh",
        member=CHILD,
        courses=[SHORT_PERIOP, {**NEXT_COURSE, "cdh_status": "unrepaired"}],
        claims=[{}, NEXT_DAY_CLAIM],
        expect=[deny("INO-II-CDH"), deny("INO-II-CDH")],
    ),
    Case(
        "span-ia2-none-yields",
        member=CHILD,
        courses=[{"ino_stop": "2024-03-02T20:00"}, {**NEXT_COURSE, "cdh_status": "unrepaired"}],
        claims=[{}],
        expect=[deny("INO-II-CDH")],
    ),
    Case(
        "span-preterm",
        courses=[{}, {**CONTINUING, "gestational_age_weeks": "33"}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[deny("INO-II-PRETERM"), deny("INO-II-PRETERM")],
    ),
    Case(
        "span-adult-postop",
        member=ADULT,
        courses=[
            newborn(**ADULT_COURSE),
            {**ADULT_COURSE, **CONTINUING, "surgery_context": "adult_cardiac_surgery"},
        ],
        claims=[ADULT_COVID_CLAIM],
        expect=[deny("INO-II-ADULT-POSTOP")],
    ),
    Case(
        "span-adult-vasoreact",
        member=ADULT,
        courses=[
            newborn(**ADULT_COURSE),
            {**ADULT_COURSE, **CONTINUING, "positive_vasoreactivity_test": "true"},
        ],
        claims=[ADULT_COVID_CLAIM],
        expect=[deny("INO-II-ADULT-VASOREACT")],
    ),
    Case(
        "span-ga-conflict",
        member=CHILD,
        courses=[SHORT_PERIOP, {**NEXT_COURSE, "gestational_age_weeks": "33"}],
        claims=[{"diagnosis_code_2": "P07.37"}],
        expect=[review("INO-DATA-GA-CONFLICT")],
    ),
    Case(
        "span-oi-conflict",
        courses=[
            {},
            {
                **CONTINUING,
                "oxygenation_index": "30",
                "fio2": "1.0",
                "mean_airway_pressure_cmh2o": "10",
                "pao2_mmhg": "100",
            },
        ],
        claims=[{}],
        expect=[review("INO-DATA-OI-CONFLICT")],
    ),
    Case(
        "cont-prior-no-pathway",
        member=CHILD,
        courses=[{}, CONTINUING],
        claims=[{"claim_end_date": "2024-03-02"}, CONTINUING_CLAIM],
        expect=[deny("INO-IA2-NONE"), deny("INO-IB-PRIOR")],
    ),
    # An initiation that no claim links to is judged on its own record for INO-IB-PRIOR
    Case(
        "unbilled-initiation",
        courses=[
            {"delivery_route": "nasal_cannula", "ino_stop": "2024-03-03T04:00"},
            {
                "ino_start": "2024-03-03T05:00",
                "ino_stop": "2024-03-04T06:00",
                "fio2_current": "0.9",
            },
        ],
        claims=[CONTINUING_CLAIM],
        expect=[deny("INO-IB-PRIOR")],
    ),
    Case(
        "unbilled-initiation-supported",
        courses=[
            {"ino_stop": "2024-03-03T04:00"},
            {
                "ino_start": "2024-03-03T05:00",
                "ino_stop": "2024-03-04T06:00",
                "fio2_current": "0.9",
            },
        ],
        claims=[CONTINUING_CLAIM],
    ),
    Case(
        "unbilled-initiation-claim-codes",
        courses=[
            {"ino_stop": "2024-03-03T04:00"},
            {
                "ino_start": "2024-03-03T05:00",
                "ino_stop": "2024-03-04T06:00",
                "fio2_current": "0.9",
            },
        ],
        claims=[{**CONTINUING_CLAIM, "diagnosis_code_2": "P27.1"}],
        expect=[deny("INO-IB-PRIOR", "INO-II-BPD")],
    ),
    # Episode gap: exactly 24 h joins; 24 h + 1 min opens a new (initiating) episode
    Case(
        "gap-24h",
        courses=[
            {},
            {
                "ino_start": "2024-03-04T08:00",
                "ino_stop": "2024-03-04T10:00",
                "fio2_current": "0.9",
                "medical_director_review_date": "2024-03-04",
            },
        ],
        claims=[{"claim_end_date": "2024-03-02"}, CONTINUING_CLAIM],
        expect=[SUPPORTED, SUPPORTED],
    ),
    Case(
        "gap-24h-1min",
        courses=[
            {},
            {
                "ino_start": "2024-03-04T08:01",
                "ino_stop": "2024-03-04T10:00",
                "fio2_current": "0.9",
                "delivery_route": "",
                "pah_evidence": "",
            },
        ],
        claims=[{"claim_end_date": "2024-03-02"}, CONTINUING_CLAIM],
        expect=[SUPPORTED, records("INO-DOC-INCOMPLETE")],
    ),
    # Documentation and coding
    Case("no-encounter", courses=[], expect=[records("INO-DOC-MISSING")]),
    Case(
        "no-encounter-bronchiolitis",
        courses=[],
        claims=[{"diagnosis_code_2": "J21.9"}],
        expect=[deny("INO-DOC-MISSING", "INO-II-BRONCHIOLITIS")],
    ),
    Case("no-member", member=None, expect=[records("INO-DOC-INCOMPLETE")]),
    Case(
        "no-supporting-dx",
        claims=[{"diagnosis_code_1": "I10"}],
        expect=[review("INO-DX-NOSUPPORT")],
    ),
    Case(
        "explicit-link",
        courses=[newborn(claim_id="C-explicit-link-0")],
        claims=[{"claim_start_date": "2024-04-01", "claim_end_date": "2024-04-01"}],
    ),
    Case(
        "cpt-94799",
        claims=[{"procedure_code_1": "", "hcpcs_code": "94799", "claim_type": "professional"}],
    ),
    # Precedence: deny beats records beats review
    Case(
        "deny-records-review",
        courses=[newborn(delivery_route="face_mask", pah_evidence="")],
        claims=[{"diagnosis_code_1": "I10"}],
        expect=[deny("INO-IA1-ROUTE", "INO-DOC-INCOMPLETE", "INO-DX-NOSUPPORT")],
    ),
    Case(
        "records-review",
        courses=[newborn(pah_evidence="")],
        claims=[{"diagnosis_code_1": "I10"}],
        expect=[records("INO-DOC-INCOMPLETE", "INO-DX-NOSUPPORT")],
    ),
    # Outliers change nothing
    Case("dose-85", courses=[newborn(max_dose_ppm="85")]),
    Case("unknown-code", claims=[{"diagnosis_code_2": "P29.39"}]),
]
