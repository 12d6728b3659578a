"""The registry, the rule SQL, the docs and the tests never drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ino_audit.devtools import docs
from ino_audit.engine import policy, registry
from ino_audit.infra.paths import SQL_DIR

# Contract §3: rule id -> severity.
CONTRACT_RULES = {
    "INO-IA1-ROUTE": "deny",
    "INO-IA2-NONE": "deny",
    "INO-IA2A-PAH": "deny",
    "INO-IA2A-CONV": "deny",
    "INO-IA2A-OI": "deny",
    "INO-IA2A-RESPONSE": "deny",
    "INO-IA2B-PAH": "deny",
    "INO-IA2B-WEAN": "deny",
    "INO-IA2C-ARDS": "deny",
    "INO-IA2C-HYPOX": "deny",
    "INO-IB-PRIOR": "deny",
    "INO-IB-NEED": "deny",
    "INO-II-PRETERM": "deny",
    "INO-II-BRONCHIOLITIS": "deny",
    "INO-II-BPD": "deny",
    "INO-II-CDH": "deny",
    "INO-II-ADULT-ARDS": "deny",
    "INO-II-ADULT-POSTOP": "deny",
    "INO-II-ADULT-VASOREACT": "deny",
    "INO-II-SICKLE": "deny",
    "INO-DOC-MISSING": "records",
    "INO-DOC-INCOMPLETE": "records",
    "INO-48H-NO-REVIEW": "review",
    "INO-DX-NOSUPPORT": "review",
    "INO-DATA-GA-CONFLICT": "review",
    "INO-DATA-OI-CONFLICT": "review",
    "INO-OUT-DOSE40": "outlier",
    "INO-OUT-DOSE80": "outlier",
    "INO-OUT-DUR7D": "outlier",
    "INO-OUT-PROVIDER": "outlier",
    "INO-DQ-UNKNOWN-CODE": "info",
}
# The policy-file rules (docs/policies.md, contract §7): they apply only under a policy that
# enables them, so CP.MP.87 05/20 judges with the contract's rules alone.
POLICY_FILE_RULES = {
    "INO-POL-EXCLUDED-DX": "deny",
    "INO-POL-NOT-COVERED": "deny",
    "INO-POL-REVIEW-DAYS": "review",
    "INO-POL-MAX-DAYS": "deny",
}
RULES = registry.rules()
IDS = [r.rule_id for r in RULES]


def test_registry_matches_contract():
    """Every contract rule is in the registry with the contract's severity and applies unless a
    policy disables it; the only others are the policy-file rules, which apply when enabled."""
    assert {r.rule_id: r.severity for r in RULES} == CONTRACT_RULES | POLICY_FILE_RULES
    assert {r.rule_id for r in RULES if r.opt_in} == set(POLICY_FILE_RULES)
    default = policy.load()
    assert [r.rule_id for r in RULES if default.applies(r)] == [
        r.rule_id for r in RULES if r.rule_id in CONTRACT_RULES
    ]


def test_one_sql_file_per_rule():
    """sql/rules holds exactly one file per registry rule, named after it."""
    assert sorted(p.stem for p in (SQL_DIR / "rules").glob("*.sql")) == sorted(IDS)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_sql_header_and_shape(rule: registry.Rule):
    """Each SQL file opens with id, policy section and severity, and returns its own id."""
    header = docs.sql_header(rule)
    rule_id, section, severity = (part.strip() for part in header[0].split("|"))
    assert rule_id == rule.rule_id and severity == rule.severity
    expected = "no policy section" if rule.policy_section == "\u2013" else rule.policy_section
    assert expected.split(" ")[0] in section
    assert any(line.startswith("Parameters:") or "Parameters:" in line for line in header)
    assert docs.courses_text(rule), "the header says which courses the rule judges (Courses:)"
    sql = rule.sql_path.read_text()
    assert f"'{rule.rule_id}' as rule_id" in sql
    assert "to_json(" in sql and " as evidence" in sql and " as message" in sql


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_parameters_exist_and_are_used(rule: registry.Rule):
    """A rule's parameters exist in every policy version and appear in its SQL."""
    sql = rule.sql_path.read_text()
    for version in policy.available():
        params = policy.load(version).params
        assert set(rule.parameters) <= set(params), version
    for p in rule.parameters:
        assert p in sql, f"{rule.rule_id} reads {p} in its own SQL"


def test_no_literal_codes_in_rules():
    """Rules filter on value-set names, never on literal ICD-10 codes."""
    code = re.compile(r"'[A-Z][0-9]{2}\.?[0-9A-Z]*'")
    for rule in RULES:
        body = "\n".join(
            line for line in rule.sql_path.read_text().splitlines() if not line.startswith("--")
        )
        assert not code.search(body.replace(f"'{rule.rule_id}'", "")), rule.rule_id


def test_docs_are_current():
    """docs/rules matches what the registry and SQL generate (run `make docs`)."""
    for path, text in docs.pages().items():
        assert path.exists() and path.read_text() == text, f"{path} is stale: run make docs"


def test_every_rule_is_tested():
    """Each rule id is named by at least one test outside this file."""
    here = Path(__file__)
    text = "".join(p.read_text() for p in here.parent.glob("*.py") if p != here)
    assert [i for i in IDS if i not in text] == []


def test_value_sets_expand_against_the_code_set(tmp_path, monkeypatch):
    """Ranges expand to real codes only; the user cache gives the same tables as a fresh build."""
    import duckdb

    from ino_audit.engine import codesets

    monkeypatch.setenv("INO_AUDIT_CACHE", str(tmp_path))
    built, cached = duckdb.connect(), duckdb.connect()
    codesets.ensure_codesets(built)
    codesets.ensure_codesets(cached)
    q = "select value_set, code from value_set_codes order by all"
    assert built.execute(q).fetchall() == cached.execute(q).fetchall()
    supporting = {c for v, c in built.execute(q).fetchall() if v == "supporting_dx"}
    assert {"P2930", "P2938", "I2720", "I2729", "U072", "Q2120"} <= supporting
    assert "P2935" not in supporting  # not a real ICD-10-CM code
    sickle = {c for v, c in built.execute(q).fetchall() if v == "sickle_crisis_dx"}
    assert {"D5700", "D57211", "D57819"} <= sickle and "D571" not in sickle


def test_rules_run_after_their_dependencies():
    """Evaluation order puts every rule after the rules its `after` column names."""
    position = {r.rule_id: i for i, r in enumerate(RULES)}
    for rule in RULES:
        assert all(position[a] < position[rule.rule_id] for a in rule.after), rule.rule_id


def test_dependencies_match_the_contract():
    """INO-IA2-NONE yields to every section II exclusion and to a policy file's exclusion lists;
    INO-IB-PRIOR reads every deny rule of I.A and II (INO-IA2-NONE included) and the policy
    file's exclusions and uncovered indications on the initiating course (contract §2)."""
    by_id = {r.rule_id: r for r in RULES}
    exclusions = {r.rule_id for r in RULES if r.severity == "deny" and r.policy_section[:2] == "II"}
    initiation = {
        r.rule_id for r in RULES if r.severity == "deny" and r.policy_section.startswith("I.A")
    }
    policy_file = {"INO-POL-EXCLUDED-DX", "INO-POL-NOT-COVERED"}
    assert set(by_id["INO-IA2-NONE"].after) == exclusions | {"INO-POL-EXCLUDED-DX"}
    assert set(by_id["INO-IB-PRIOR"].after) == exclusions | initiation | policy_file
    assert "INO-IA2-NONE" in by_id["INO-IB-PRIOR"].after


def test_bad_dependencies_are_refused():
    """An unknown rule id or a cycle in `after` is a clear registry error."""
    a = registry.Rule("A", "deny", "I", ("B",), "claim", (), "", "")
    b = registry.Rule("B", "deny", "I", ("A",), "claim", (), "", "")
    with pytest.raises(ValueError, match="cycle"):
        registry.dependency_order([a, b])
    with pytest.raises(ValueError, match="unknown"):
        registry.dependency_order([a])
