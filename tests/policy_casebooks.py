"""Given/expect cases for the shipped policy versions other than CP.MP.87 05/20 (whose casebook is
tests/casebook.py): one book per version, each criterion and exclusion at its boundary.

Every case starts from the casebook's supported newborn course (38 weeks, echo, OI 30, ...) and
changes only what it tests. A book is audited in one run under its version alone.
"""

from __future__ import annotations

from tests.casebook import (
    ADULT,
    ADULT_COURSE,
    CHILD,
    CONTINUING,
    CONTINUING_CLAIM,
    PERIOP,
    SUPPORTED,
    Case,
    deny,
    records,
    review,
)

MP440 = "BCBSAL-MP-440-2024-05"
G46 = "HIGHMARK-G-46-002"
BI374 = "QUALCHOICE-BI374-00"
LATER = "CP.MP.87-2020-05-72h"

# A right-heart catheterization of an adult with pulmonary hypertension: vasoreactivity testing.
VRT_CLAIM = {"diagnosis_code_1": "I27.0", "hcpcs_code": "93451"}
# CP.MP.87's newborn criteria, each failed: none of them is a criterion of MP-440, G-46 or BI374.
UNCHECKED = [
    ("oi-low", {"oxygenation_index": "10"}),
    ("pah-none", {"pah_evidence": "none"}),
    ("conv-false", {"conventional_therapy_failed": "false"}),
    ("trial-41", {"trial_dose_ppm": "41"}),
    ("route-mask", {"delivery_route": "face_mask"}),
    ("no-trial-data", {"trial_dose_ppm": "", "pao2_post_trial_mmhg": "", "pah_evidence": ""}),
]


def _strict_boundary(prefix: str) -> list[Case]:
    """Cases shared by the two policies that cover only births after 34 weeks (MP-440, G-46):
    every denial carries the investigational tag."""
    return [
        Case(f"{prefix}-supported"),
        # "more than 34 weeks": 34 0/7 is out, 34 1/7 in (CP.MP.87: 34.0 is covered)
        Case(
            f"{prefix}-ga-34.0",
            courses=[{"gestational_age_weeks": "34.0"}],
            expect=[deny("INO-II-PRETERM")],
        ),
        Case(f"{prefix}-ga-34.14", courses=[{"gestational_age_weeks": "34.14"}]),
        Case(
            f"{prefix}-ga-33.9",
            courses=[{"gestational_age_weeks": "33.9"}],
            expect=[deny("INO-II-PRETERM")],
        ),
        # P07.37 (34 completed weeks) cannot tell 34 0/7 from 34 6/7: ask for the record
        Case(
            f"{prefix}-ga-p0737-only",
            courses=[{"gestational_age_weeks": ""}],
            claims=[{"diagnosis_code_2": "P07.37"}],
            expect=[records("INO-DOC-INCOMPLETE")],
        ),
        Case(
            f"{prefix}-ga-p0738-only",
            courses=[{"gestational_age_weeks": ""}],
            claims=[{"diagnosis_code_2": "P07.38"}],
        ),
        Case(
            f"{prefix}-ga-p0735-only",
            courses=[{"gestational_age_weeks": ""}],
            claims=[{"diagnosis_code_2": "P07.35"}],
            expect=[deny("INO-II-PRETERM")],
        ),
        Case(
            f"{prefix}-ga-missing",
            courses=[{"gestational_age_weeks": ""}],
            expect=[records("INO-DOC-INCOMPLETE")],
        ),
        *(Case(f"{prefix}-{name}", courses=[course]) for name, course in UNCHECKED),
        # perioperative use in a child: not covered (investigational)
        Case(
            f"{prefix}-periop-child",
            member=CHILD,
            courses=[PERIOP],
            expect=[deny("INO-POL-NOT-COVERED")],
        ),
        # a newborn after heart surgery: the surgery context names the indication (contract §2)
        Case(
            f"{prefix}-periop-newborn",
            courses=[PERIOP],
            expect=[deny("INO-POL-NOT-COVERED")],
        ),
        Case(
            f"{prefix}-adult-postop",
            member={"birth_date": "2006-03-02"},
            courses=[PERIOP],
            expect=[deny("INO-II-ADULT-POSTOP")],
        ),
        # acute hypoxemic respiratory failure beyond the neonatal period (list, from 29 days)
        Case(
            f"{prefix}-adult-covid-ards",
            member=ADULT,
            courses=[ADULT_COURSE],
            claims=[{"diagnosis_code_1": "U07.1", "diagnosis_code_2": "J80"}],
            expect=[deny("INO-POL-EXCLUDED-DX")],
        ),
        Case(
            f"{prefix}-child-hypoxemic",
            member=CHILD,
            claims=[{"diagnosis_code_2": "J96.01"}],
            expect=[deny("INO-POL-EXCLUDED-DX")],
        ),
        Case(
            f"{prefix}-age-29-days-hypoxemic",
            member={"birth_date": "2024-02-02"},
            claims=[{"diagnosis_code_2": "J96.01"}],
            expect=[deny("INO-POL-EXCLUDED-DX")],
        ),
        Case(
            f"{prefix}-age-28-days-hypoxemic",
            member={"birth_date": "2024-02-03"},
            claims=[{"diagnosis_code_2": "J96.01"}],
        ),
        Case(
            f"{prefix}-lung-transplant",
            member=ADULT,
            courses=[ADULT_COURSE],
            claims=[{"diagnosis_code_1": "T86.810"}],
            expect=[deny("INO-POL-EXCLUDED-DX")],
        ),
        # no COVID-19 pathway: an adult with U07.1 and no listed code has no covered indication
        Case(
            f"{prefix}-adult-covid-no-ards",
            member=ADULT,
            courses=[ADULT_COURSE],
            claims=[{"diagnosis_code_1": "U07.1"}],
            expect=[deny("INO-IA2-NONE")],
        ),
        Case(f"{prefix}-newborn-covid", claims=[{"diagnosis_code_2": "U07.1"}]),
        Case(
            f"{prefix}-vasoreactivity-test",
            member=ADULT,
            courses=[ADULT_COURSE],
            claims=[VRT_CLAIM],
            expect=[deny("INO-POL-NOT-COVERED")],
        ),
        # conditions the policy does not name do not deny a covered neonate
        Case(f"{prefix}-bronchiolitis-newborn", claims=[{"diagnosis_code_2": "J21.0"}]),
        Case(f"{prefix}-bpd-newborn", claims=[{"diagnosis_code_2": "P27.1"}]),
        Case(f"{prefix}-sickle-newborn", claims=[{"diagnosis_code_2": "D57.00"}]),
        # no review window
        Case(f"{prefix}-dur-60h", courses=[{"ino_stop": "2024-03-04T20:00"}]),
        # continuation of a start that was not covered
        Case(
            f"{prefix}-cont-preterm",
            courses=[{"gestational_age_weeks": "34"}, {**CONTINUING, "gestational_age_weeks": ""}],
            claims=[{}, CONTINUING_CLAIM],
            expect=[deny("INO-II-PRETERM"), deny("INO-IB-PRIOR", "INO-II-PRETERM")],
        ),
        Case(
            f"{prefix}-cont-supported",
            courses=[{}, {**CONTINUING, "fio2_current": "0.3"}],
            claims=[{}, CONTINUING_CLAIM],
            expect=[SUPPORTED, SUPPORTED],
        ),
        Case(
            f"{prefix}-ga-conflict",
            claims=[{"diagnosis_code_2": "P07.35"}],
            expect=[review("INO-DATA-GA-CONFLICT")],
        ),
        Case(f"{prefix}-no-encounter", courses=[], expect=[records("INO-DOC-MISSING")]),
    ]


MP440_CASES = [
    *_strict_boundary("mp440"),
    # diaphragmatic hernia is not named by MP-440
    Case("mp440-cdh-unrepaired", courses=[{"cdh_status": "unrepaired"}]),
]

G46_CASES = [
    *_strict_boundary("g46"),
    # G-46 only says the benefit of iNO "appears limited" in diaphragmatic hernia
    Case(
        "g46-cdh-unrepaired",
        courses=[{"cdh_status": "unrepaired"}],
        claims=[{"diagnosis_code_2": "Q79.0"}],
    ),
]

BI374_CASES = [
    Case("bi374-supported"),
    # 34 weeks or greater, as CP.MP.87 (MP-440 and G-46 refuse 34.0)
    Case("bi374-ga-34.0", courses=[{"gestational_age_weeks": "34.0"}]),
    Case(
        "bi374-ga-p0737-only",
        courses=[{"gestational_age_weeks": ""}],
        claims=[{"diagnosis_code_2": "P07.37"}],
    ),
    Case(
        "bi374-ga-33.9",
        courses=[{"gestational_age_weeks": "33.9"}],
        expect=[deny("INO-II-PRETERM")],
    ),
    *(Case(f"bi374-{name}", courses=[course]) for name, course in UNCHECKED),
    # without diaphragmatic hernia: no bridge-to-repair exception (CP.MP.87 covers the bridge)
    Case(
        "bi374-cdh-bridge",
        courses=[{"cdh_status": "bridge_to_repair"}],
        claims=[{"diagnosis_code_2": "Q79.0"}],
        expect=[deny("INO-II-CDH")],
    ),
    Case(
        "bi374-cdh-bridge-no-code",
        courses=[{"cdh_status": "bridge_to_repair"}],
        expect=[deny("INO-II-CDH")],
    ),
    Case("bi374-cdh-code", claims=[{"diagnosis_code_2": "Q79.0"}], expect=[deny("INO-II-CDH")]),
    Case(
        "bi374-cdh-status-missing",
        courses=[{"cdh_status": ""}],
        expect=[records("INO-DOC-INCOMPLETE")],
    ),
    # use beyond 14 days needs review (a trigger, not a limit); 60 h needs none
    Case("bi374-dur-60h", courses=[{"ino_stop": "2024-03-04T20:00"}]),
    Case(
        "bi374-dur-14d",
        courses=[{"ino_stop": "2024-03-16T08:00"}],
        claims=[{"claim_end_date": "2024-03-16"}],
    ),
    Case(
        "bi374-dur-14d-1min",
        courses=[{"ino_stop": "2024-03-16T08:01"}],
        claims=[{"claim_end_date": "2024-03-16"}],
        expect=[review("INO-POL-REVIEW-DAYS")],
    ),
    Case(
        "bi374-dur-15d-reviewed",
        courses=[{"ino_stop": "2024-03-17T08:00", "medical_director_review_date": "2024-03-16"}],
        claims=[{"claim_end_date": "2024-03-17"}],
    ),
    # the policy's own exclusion lists (Medical Statement 3a, 3b)
    Case(
        "bi374-bronchiolitis",
        claims=[{"diagnosis_code_2": "J21.9"}],
        expect=[deny("INO-POL-EXCLUDED-DX")],
    ),
    Case(
        "bi374-ards-newborn",
        claims=[{"diagnosis_code_2": "J80"}],
        expect=[deny("INO-POL-EXCLUDED-DX")],
    ),
    Case(
        "bi374-acute-lung-injury",
        claims=[{"diagnosis_code_2": "S27.302D"}],
        expect=[deny("INO-POL-EXCLUDED-DX")],
    ),
    Case("bi374-lung-injury-sequela", claims=[{"diagnosis_code_2": "S27.301S"}]),
    Case(
        "bi374-adult-covid-ards",
        member=ADULT,
        courses=[ADULT_COURSE],
        claims=[{"diagnosis_code_1": "U07.1", "diagnosis_code_2": "J80"}],
        expect=[deny("INO-POL-EXCLUDED-DX")],
    ),
    Case(
        "bi374-no-encounter-bronchiolitis",
        courses=[],
        claims=[{"diagnosis_code_2": "J21.0"}],
        expect=[deny("INO-DOC-MISSING", "INO-POL-EXCLUDED-DX")],
    ),
    # post-operative use in children with heart disease: not medically necessary (3c)
    Case(
        "bi374-periop-child",
        member=CHILD,
        courses=[PERIOP],
        expect=[deny("INO-POL-NOT-COVERED")],
    ),
    # diagnostic vasoreactivity testing is covered at any age; without a catheterization the
    # adult has no covered use
    Case("bi374-vasoreactivity-test", member=ADULT, courses=[ADULT_COURSE], claims=[VRT_CLAIM]),
    Case(
        "bi374-vasoreactivity-pcs",
        member=ADULT,
        courses=[ADULT_COURSE],
        claims=[{"diagnosis_code_1": "I27.20", "procedure_code_2": "4A023N6"}],
    ),
    Case(
        "bi374-ph-no-catheterization",
        member=ADULT,
        courses=[ADULT_COURSE],
        claims=[{"diagnosis_code_1": "I27.0"}],
        expect=[deny("INO-IA2-NONE")],
    ),
    Case(
        "bi374-adult-vasoreactive-treatment",
        member=ADULT,
        courses=[{**ADULT_COURSE, "positive_vasoreactivity_test": "true"}],
        claims=[{"diagnosis_code_1": "I27.0"}],
        expect=[deny("INO-IA2-NONE")],
    ),
    # not among the items read: a covered neonate stays covered
    Case("bi374-bpd-newborn", claims=[{"diagnosis_code_2": "P27.1"}]),
    Case(
        "bi374-cont-preterm",
        courses=[{"gestational_age_weeks": "33"}, {**CONTINUING, "gestational_age_weeks": ""}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[deny("INO-II-PRETERM"), deny("INO-IB-PRIOR", "INO-II-PRETERM")],
    ),
]

LATER_CASES = [
    Case("later-supported"),
    # review after 72 h instead of 48 h
    Case("later-dur-60h", courses=[{"ino_stop": "2024-03-04T20:00"}]),
    Case("later-dur-72h", courses=[{"ino_stop": "2024-03-05T08:00"}]),
    Case(
        "later-dur-72h-1min",
        courses=[{"ino_stop": "2024-03-05T08:01"}],
        expect=[review("INO-48H-NO-REVIEW")],
    ),
    # below 34 weeks: reviewed case by case, not refused
    Case(
        "later-ga-33.9",
        courses=[{"gestational_age_weeks": "33.9"}],
        expect=[review("INO-II-PRETERM")],
    ),
    Case("later-ga-34.0", courses=[{"gestational_age_weeks": "34.0"}]),
    # a continuation is not refused for a start that only needs review
    Case(
        "later-cont-preterm",
        courses=[{"gestational_age_weeks": "33"}, {**CONTINUING, "gestational_age_weeks": ""}],
        claims=[{}, CONTINUING_CLAIM],
        expect=[review("INO-II-PRETERM"), review("INO-II-PRETERM")],
    ),
    # an infant with no covered indication is still refused: the review does not explain it
    Case(
        "later-infant-preterm-no-pathway",
        member={"birth_date": "2024-01-01"},
        courses=[{"gestational_age_weeks": "33"}],
        expect=[deny("INO-IA2-NONE", "INO-II-PRETERM")],
    ),
    # the rest is CP.MP.87 05/20
    Case("later-oi-24.9", courses=[{"oxygenation_index": "24.9"}], expect=[deny("INO-IA2A-OI")]),
    Case("later-cdh-bridge", courses=[{"cdh_status": "bridge_to_repair"}]),
    Case("later-periop-child", member=CHILD, courses=[PERIOP]),
]

BOOKS = {MP440: MP440_CASES, G46: G46_CASES, BI374: BI374_CASES, LATER: LATER_CASES}
