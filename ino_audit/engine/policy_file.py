"""The policy file: one TOML file describes one version of a payer's iNO policy.

This module reads a file into a `Policy` and names every problem it finds by key, in one
sentence each, without a database (vocabulary: engine/policy_model.py; the tables' readers:
engine/policy_sections.py). What needs the code sets or the other installed versions (codes
that must expand, overlapping dates) is checked in engine/policy_check.py. The format is
described for analysts in docs/policies.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ino_audit.engine import policy_sections as sections
from ino_audit.engine import registry
from ino_audit.engine.policy_model import (
    BASE_PARAMS,
    COMPARISON_REVIEW_HOURS,
    DERIVED_PARAMS,
    POLICY_KEYS,
    REVISION_DATE,
    SOURCE_KEYS,
    SOURCE_REQUIRED,
    TAGS,
    TOP_KEYS,
    Exclusion,
    Pathway,
    Policy,
    Problems,
    RuleSetting,
    _date,
    _table,
    _text,
    _unknown,
    describe_source,
)

__all__ = ["TAGS", "Exclusion", "Pathway", "Policy", "Problems", "RuleSetting", "parse", "read"]


def parse(data: dict[str, Any], path: Path | None = None) -> tuple[Policy | None, Problems]:
    """Read a parsed policy file; return the policy (None when it cannot be built) and the
    problems found, one sentence each, naming the key."""
    problems = Problems()
    _unknown(problems, data, TOP_KEYS, "The file")
    meta = _table(problems, data, "policy", "[policy]")
    _unknown(problems, meta, POLICY_KEYS, "[policy]")
    version = _text(problems, meta, "version", "[policy]", required=True)
    if version and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", version):
        problems.append(f"[policy] version {version!r} may hold only letters, digits, . _ and -.")
    title = _text(problems, meta, "title", "[policy]", required=True)
    default = meta.get("default", False)
    if not isinstance(default, bool):
        problems.append("[policy] default must be true or false.")
        default = False
    start = _date(problems, meta, "effective_from", "[policy]")
    end = _date(problems, meta, "effective_to", "[policy]")
    if start and end and end < start:
        problems.append(f"[policy] effective_to {end} is before effective_from {start}.")
    source = _table(problems, data, "source", "[source]")
    _unknown(problems, source, SOURCE_KEYS, "[source]")
    info = {k: _text(problems, source, k, "[source]", k in SOURCE_REQUIRED) for k in SOURCE_KEYS}
    if info["revision_date"] and not REVISION_DATE.fullmatch(info["revision_date"]):
        problems.append(
            f"[source] revision_date {info['revision_date']!r} must be YYYY-MM, YYYY-MM-DD "
            'or "not established".'
        )
    assumptions = _table(problems, data, "assumptions", "[assumptions]")
    for key, value in assumptions.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"[assumptions] {key} must be a sentence of text.")
    params = sections.params(problems, data)
    disabled, enabled, overrides = sections.rules(problems, data)
    operator, weeks = sections.gestational_age(problems, data)
    pathways = sections.pathways(problems, data)
    documentation = sections.documentation(problems, data)
    exclusions = sections.exclusions(problems, data)
    duration, section = sections.duration(problems, data)
    params.update(
        review_after_hours=duration.get("review_after_hours") or COMPARISON_REVIEW_HOURS,
        review_beyond_days=duration.get("review_beyond_days"),
        max_days=duration.get("max_days"),
        duration_section=section or None,
        min_gestational_weeks=weeks,
        gestational_age_operator=operator,
    )
    policy = Policy(
        version,
        title,
        params,
        describe_source(info),
        start,
        end,
        default,
        info,
        frozenset(disabled),
        frozenset(enabled),
        overrides,
        tuple(pathways),
        documentation,
        tuple(exclusions),
        {k: str(v) for k, v in assumptions.items()},
        path,
    )
    _consistency(problems, policy, duration)
    # Every rule's parameters exist in every version (null when no rule of this one reads it),
    # so the `params` table has the same columns whichever version is installed.
    for rule in registry.rules():
        for p in rule.parameters:
            params.setdefault(p, None)
    return (policy if version and title else None), problems


def _consistency(problems: Problems, policy: Policy, duration: dict[str, float | None]) -> None:
    """Problems between tables: a rule without what it needs, settings nothing uses."""
    applying = {r.rule_id: r for r in registry.rules() if policy.applies(r)}
    for rule_id, rule in applying.items():
        for p in rule.parameters:
            if p in DERIVED_PARAMS:
                continue
            if policy.params.get(p) is None:
                problems.append(f"[params] lacks {p}, which rule {rule_id} reads.")
    for p in BASE_PARAMS:
        if p not in policy.params:
            problems.append(f"[params] lacks {p}, which the facts and the report read.")
    needs = {
        "INO-48H-NO-REVIEW": ("review_after_hours", "[duration] review_after_hours"),
        "INO-POL-REVIEW-DAYS": ("review_beyond_days", "[duration] review_beyond_days"),
        "INO-POL-MAX-DAYS": ("max_days", "[duration] max_days"),
    }
    for rule_id, (key, where) in needs.items():
        if key not in duration:
            continue  # a bad value, reported already
        if rule_id in applying and duration[key] is None:
            problems.append(f"Rule {rule_id} applies but {where} is not set.")
        if rule_id not in applying and duration[key] is not None:
            problems.append(f"{where} is set but rule {rule_id} does not apply.")
    if "INO-POL-EXCLUDED-DX" in applying and not policy.exclusions:
        problems.append("Rule INO-POL-EXCLUDED-DX is enabled but the file has no [[exclusions]].")
    if policy.exclusions and "INO-POL-EXCLUDED-DX" not in applying:
        problems.append(
            "The file has [[exclusions]] but INO-POL-EXCLUDED-DX is not enabled, "
            "so they would never apply."
        )
    uncovered = [p for p in policy.pathways if not p.covered]
    if "INO-POL-NOT-COVERED" in applying and not uncovered:
        problems.append("Rule INO-POL-NOT-COVERED is enabled but no pathway has covered = false.")
    if uncovered and "INO-POL-NOT-COVERED" not in applying:
        problems.append(
            "Some pathways have covered = false but INO-POL-NOT-COVERED is not enabled, "
            "so they would never be denied."
        )
    known = {r.rule_id for r in registry.rules()}
    for rule_id in policy.overrides:
        if rule_id in known and rule_id not in applying:
            problems.append(f"[rules.overrides] {rule_id} does not apply under this policy.")


def read(path: Path) -> tuple[Policy | None, Problems]:
    """Read a policy file; a file that is not TOML is one problem naming the line."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        return None, Problems([f"The file cannot be read ({e.strerror})."])
    except tomllib.TOMLDecodeError as e:
        return None, Problems([f"The file is not valid TOML ({e})."])
    except UnicodeDecodeError:
        return None, Problems(["The file is not UTF-8 text."])
    return parse(data, path)
