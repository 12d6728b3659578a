"""Readers of the policy file's tables: each returns what its table says and records every
problem it finds, naming the key (engine/policy_file.py puts them together).
"""

from __future__ import annotations

import re

from ino_audit.engine import registry
from ino_audit.engine.policy_model import (
    BASE_PARAMS,
    CODE_SPEC,
    DERIVED_PARAMS,
    DOCUMENTATION,
    DURATION_KEYS,
    DURATION_TEXT_KEYS,
    EXCLUSION_KEYS,
    NAME,
    OVERRIDE_KEYS,
    PATHWAY_KEYS,
    PATHWAYS,
    RULES_KEYS,
    SEVERITIES,
    TAGS,
    Exclusion,
    Pathway,
    Problems,
    RuleSetting,
    _id_list,
    _is_number,
    _table,
    _text,
    _unknown,
)


def rules(problems: Problems, data: dict) -> tuple[set[str], set[str], dict[str, RuleSetting]]:
    """Read [rules]: disabled rules, enabled opt-in rules and per-rule overrides."""
    table = _table(problems, data, "rules", "[rules]", required=False)
    _unknown(problems, table, RULES_KEYS, "[rules]")
    by_id = {r.rule_id: r for r in registry.rules()}
    disabled = _id_list(problems, table, "disabled", "[rules]")
    enabled = _id_list(problems, table, "enabled", "[rules]")
    for rule_id in disabled + enabled:
        if rule_id not in by_id:
            problems.append(f"[rules] names an unknown rule id {rule_id}.")
    for rule_id in disabled:
        if rule_id in by_id and by_id[rule_id].opt_in:
            problems.append(
                f"[rules] disabled lists {rule_id}, which applies only when enabled; "
                "leave it out of enabled instead."
            )
    for rule_id in enabled:
        if rule_id in by_id and not by_id[rule_id].opt_in:
            problems.append(
                f"[rules] enabled lists {rule_id}, which applies unless disabled; "
                "enabled is for the policy-file rules only."
            )
    overrides: dict[str, RuleSetting] = {}
    raw = table.get("overrides", {})
    if not isinstance(raw, dict):
        problems.append("[rules] overrides must be a table of rule ids.")
        raw = {}
    for rule_id, setting in raw.items():
        where = f"[rules.overrides] {rule_id}"
        if rule_id not in by_id:
            problems.append(f"[rules.overrides] names an unknown rule id {rule_id}.")
            continue
        if not isinstance(setting, dict):
            problems.append(f"{where} must be a table (severity, tag, section).")
            continue
        _unknown(problems, setting, OVERRIDE_KEYS, where)
        severity = setting.get("severity")
        if severity is not None and severity not in SEVERITIES:
            problems.append(f"{where} severity {severity!r} is not one of {', '.join(SEVERITIES)}.")
            severity = None
        tag = setting.get("tag")
        if tag is not None and tag not in TAGS:
            problems.append(f"{where} tag {tag!r} is not one of {', '.join(TAGS)}.")
            tag = None
        section = _text(problems, setting, "section", where, required=False) or None
        if tag is not None and (severity or by_id[rule_id].severity) != "deny":
            problems.append(f"{where} has a tag, but only a rule that denies takes one.")
        overrides[rule_id] = RuleSetting(severity, tag, section)
    return set(disabled), set(enabled), overrides


def gestational_age(problems: Problems, data: dict) -> tuple[str, float | None]:
    """Read [gestational_age] covered = ">= 34" or "> 34": the operator and the weeks."""
    table = _table(problems, data, "gestational_age", "[gestational_age]")
    _unknown(problems, table, ("covered",), "[gestational_age]")
    text = table.get("covered")
    if text is None:
        if table or "gestational_age" in data:
            problems.append('[gestational_age] lacks covered (for example ">= 34").')
        return ">=", None
    match = re.fullmatch(r"\s*(>=|>)\s*([0-9]+(\.[0-9]+)?)\s*", str(text))
    if not match:
        problems.append(
            f"[gestational_age] covered {text!r} must be an operator (>= or >) and weeks, "
            'for example ">= 34".'
        )
        return ">=", None
    return match.group(1), float(match.group(2))


def pathways(problems: Problems, data: dict) -> list[Pathway]:
    table = _table(problems, data, "pathways", "[pathways]")
    out = []
    for name, raw in table.items():
        where = f"[pathways.{name}]"
        if name not in PATHWAYS:
            problems.append(
                f"[pathways] names an unknown pathway {name}; known: {', '.join(PATHWAYS)}."
            )
            continue
        if not isinstance(raw, dict):
            problems.append(f"{where} must be a table.")
            continue
        _unknown(problems, raw, PATHWAY_KEYS, where)
        covered = raw.get("covered")
        if not isinstance(covered, bool):
            problems.append(f"{where} covered must be true or false.")
            continue
        tag = raw.get("tag")
        if covered and tag is not None:
            problems.append(f"{where} is covered, so it takes no tag.")
        if not covered and tag not in TAGS:
            problems.append(f"{where} is not covered, so it needs a tag: {' or '.join(TAGS)}.")
        docs = _documentation_list(problems, raw, "documentation", where, name)
        if not covered and docs:
            problems.append(f"{where} is not covered, so it needs no documentation.")
        label = _text(problems, raw, "label", where, required=False) or name.replace("_", " ")
        section = _text(problems, raw, "section", where, required=True)
        out.append(Pathway(name, covered, label, section, tag if not covered else None, docs))
    if not any(p.covered for p in out) and table:
        problems.append("[pathways] covers no pathway: at least one needs covered = true.")
    return out


def _documentation_list(
    problems: Problems, table: dict, key: str, where: str, scope: str
) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} {key} must be a list of field names.")
        return ()
    allowed = DOCUMENTATION[scope]
    for item in value:
        if item not in allowed:
            known = ", ".join(allowed) or "none"
            problems.append(f"{where} {key} names an unknown field {item}; known here: {known}.")
    return tuple(v for v in value if v in allowed)


def documentation(problems: Problems, data: dict) -> dict[str, tuple[str, ...]]:
    table = _table(problems, data, "documentation", "[documentation]", required=False)
    _unknown(problems, table, ("initiation", "continuation"), "[documentation]")
    return {
        scope: _documentation_list(problems, table, scope, "[documentation]", scope)
        for scope in ("initiation", "continuation")
    }


def exclusions(problems: Problems, data: dict) -> list[Exclusion]:
    raw = data.get("exclusions", [])
    if not isinstance(raw, list):
        problems.append("[[exclusions]] must be an array of tables.")
        return []
    out, seen = [], set()
    for n, item in enumerate(raw, start=1):
        where = f"[[exclusions]] #{n}"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a table.")
            continue
        name = _text(problems, item, "name", where, required=True)
        if name:
            where = f"[[exclusions]] {name}"
            if not NAME.fullmatch(name):
                problems.append(f"{where} name must be lower-case letters, digits and _.")
            if name in seen:
                problems.append(f"{where} is defined twice.")
            seen.add(name)
        _unknown(problems, item, EXCLUSION_KEYS, where)
        tag = item.get("tag")
        if tag not in TAGS:
            problems.append(f"{where} tag must be {' or '.join(TAGS)}.")
        section = _text(problems, item, "section", where, required=True)
        label = _text(problems, item, "label", where, required=False) or name.replace("_", " ")
        codes = item.get("codes", [])
        value_sets = item.get("value_sets", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            problems.append(f"{where} codes must be a list of ICD-10-CM codes or ranges.")
            codes = []
        if not isinstance(value_sets, list) or not all(isinstance(v, str) for v in value_sets):
            problems.append(f"{where} value_sets must be a list of value-set names.")
            value_sets = []
        if not codes and not value_sets:
            problems.append(f"{where} needs codes or value_sets.")
        for spec in codes:
            if not CODE_SPEC.fullmatch(spec.strip().upper()):
                problems.append(
                    f"{where} code {spec!r} is not an ICD-10-CM code, a range (J21.0-J21.9) "
                    "or a code with its children (T86.81*)."
                )
        codes = [c for c in codes if CODE_SPEC.fullmatch(c.strip().upper())]
        min_age = item.get("min_age_days")
        if min_age is not None and (not isinstance(min_age, int) or isinstance(min_age, bool)):
            problems.append(f"{where} min_age_days must be a whole number of days.")
            min_age = None
        out.append(
            Exclusion(
                name,
                label,
                tag if tag in TAGS else "",
                section,
                tuple(c.strip().upper() for c in codes),
                tuple(value_sets),
                min_age,
            )
        )
    return out


def duration(problems: Problems, data: dict) -> tuple[dict[str, float | None], str]:
    """Read [duration]: the numbers (a key with a bad value is reported once and left out) and
    the section its findings cite."""
    table = _table(problems, data, "duration", "[duration]", required=False)
    _unknown(problems, table, DURATION_KEYS + DURATION_TEXT_KEYS, "[duration]")
    section = _text(problems, table, "section", "[duration]", required=False)
    out: dict[str, float | None] = {}
    for key in DURATION_KEYS:
        value = table.get(key)
        if value is not None and (not _is_number(value) or value <= 0):
            problems.append(f"[duration] {key} must be a positive number.")
            continue
        out[key] = float(value) if value is not None else None
    return out, section


def params(problems: Problems, data: dict) -> dict[str, float | str | None]:
    table = _table(problems, data, "params", "[params]")
    known = {p for r in registry.rules() for p in r.parameters} | set(BASE_PARAMS)
    out: dict[str, float | str | None] = {}
    for key, value in table.items():
        if key in DERIVED_PARAMS:
            problems.append(
                f"[params] {key} is set elsewhere: "
                + ("[gestational_age] covered." if "gestational" in key else "[duration].")
            )
            continue
        if key not in known:
            problems.append(f"[params] {key} is not a parameter any rule reads.")
            continue
        if isinstance(value, bool):
            out[key] = 1.0 if value else 0.0
        elif _is_number(value):
            out[key] = float(value)
        else:
            problems.append(f"[params] {key} must be a number (or true/false).")
    return out
