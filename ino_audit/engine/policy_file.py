"""The policy file: one TOML file describes one version of a payer's iNO policy.

This module reads a file into a `Policy` and names every problem it finds by key, in one
sentence each, without a database. What needs the code sets or the other installed versions
(codes that must expand, overlapping dates) is checked in engine/policy_check.py. The format is
described for analysts in docs/policies.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ino_audit.engine import registry

TAGS = ("investigational", "not_medically_necessary")
SEVERITIES = ("deny", "records", "review", "outlier", "info")
# Pathways a policy may name, in the order a course is matched to them (contract §2 for the
# first three; vasoreactivity testing is recognised by its codes: value sets
# pulmonary_hypertension_dx and vasoreactivity_test_px on a claim linked to the course).
PATHWAYS = ("perioperative", "covid", "neonatal", "vasoreactivity_testing")
# Fields a policy may require on the record, by scope (INO-DOC-INCOMPLETE reads them).
DOCUMENTATION = {
    "initiation": ("delivery_route",),
    "neonatal": (
        "gestational_age_weeks",
        "pah_evidence",
        "conventional_therapy_failed",
        "oxygenation_index",
        "trial_dose_ppm",
        "trial_pair",
        "cdh_status",
    ),
    "perioperative": (
        "alternative_vasodilator_started",
        "pah_evidence_if_bypass_repair",
        "gestational_age_weeks_if_infant",
    ),
    "covid": ("optimized_ventilation_failed",),
    "vasoreactivity_testing": (),
    "continuation": ("fio2_current_or_weaning_started_at",),
}
GA_OPERATORS = (">=", ">")
# Parameters the facts and the report read whatever rules apply.
BASE_PARAMS = (
    "episode_gap_hours",
    "newborn_max_days",
    "infant_max_years",
    "adult_min_years",
    "long_episode_days",
    "outlier_dose_ppm",
    "high_dose_ppm",
    "provider_min_episodes",
    "provider_z_threshold",
)
# Parameters the loader derives from the structured tables (never written in [params]).
DERIVED_PARAMS = (
    "review_after_hours",
    "review_beyond_days",
    "max_days",
    "min_gestational_weeks",
    "gestational_age_operator",
)
# Without a review window of its own a policy still needs one for the provider comparison and
# the report's duration chart: the contract's 48 hours (§3, INO-OUT-PROVIDER).
COMPARISON_REVIEW_HOURS = 48.0
TOP_KEYS = (
    "policy",
    "source",
    "params",
    "rules",
    "gestational_age",
    "pathways",
    "documentation",
    "exclusions",
    "duration",
    "assumptions",
)
POLICY_KEYS = ("version", "title", "default", "effective_from", "effective_to")
SOURCE_KEYS = ("payer", "number", "title", "revision_date", "url", "note")
SOURCE_REQUIRED = ("payer", "number", "title", "revision_date")
RULES_KEYS = ("disabled", "enabled", "overrides")
OVERRIDE_KEYS = ("severity", "tag", "section")
PATHWAY_KEYS = ("covered", "label", "tag", "section", "documentation")
EXCLUSION_KEYS = ("name", "label", "tag", "section", "codes", "value_sets", "min_age_days")
DURATION_KEYS = ("review_after_hours", "review_beyond_days", "max_days")
REVISION_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?|not established")
CODE_SPEC = re.compile(
    r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?(-[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?|\*)?"
)
NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Pathway:
    """A pathway (indication) the policy names: covered, or not covered with its tag."""

    name: str
    covered: bool
    label: str
    section: str
    tag: str | None = None
    documentation: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """One of the policy's own exclusion lists: codes that deny a claim, with the list's tag."""

    name: str
    label: str
    tag: str
    section: str
    codes: tuple[str, ...] = ()
    value_sets: tuple[str, ...] = ()
    min_age_days: int | None = None


@dataclass(frozen=True)
class RuleSetting:
    """How the policy changes a rule: severity, denial tag, the section its findings cite."""

    severity: str | None = None
    tag: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Policy:
    """One policy version: what applies, its thresholds, where it comes from, what it assumes."""

    version: str
    title: str
    params: dict[str, float | str | None]
    source: str = ""
    effective_from: str | None = None
    effective_to: str | None = None
    default: bool = False
    source_info: dict[str, str] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    enabled: frozenset[str] = frozenset()
    overrides: dict[str, RuleSetting] = field(default_factory=dict)
    pathways: tuple[Pathway, ...] = ()
    documentation: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclusions: tuple[Exclusion, ...] = ()
    assumptions: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def applies(self, rule: registry.Rule) -> bool:
        """Return whether the rule judges claims under this policy."""
        if rule.opt_in:
            return rule.rule_id in self.enabled
        return rule.rule_id not in self.disabled

    def rule_ids(self) -> list[str]:
        """Return the ids of the rules that apply, in evaluation order."""
        return [r.rule_id for r in registry.rules() if self.applies(r)]

    @property
    def family(self) -> tuple[str, str]:
        """Return (payer, number): versions of the same policy share it."""
        return (self.source_info.get("payer", ""), self.source_info.get("number", ""))


class Problems(list[str]):
    """The problems found in one file, one sentence each."""


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _text(problems: Problems, table: dict, key: str, where: str, required: bool) -> str:
    """Return a text value (empty when absent), recording a problem when it is not text."""
    value = table.get(key)
    if value is None:
        if required:
            problems.append(f"{where} lacks {key}.")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where} {key} must be non-empty text.")
        return ""
    return value.strip()


def _table(problems: Problems, data: dict, key: str, where: str, required: bool = True) -> dict:
    """Return a TOML table (empty when absent), recording a problem when it is not a table."""
    value = data.get(key)
    if value is None:
        if required:
            problems.append(f"The file lacks the [{key}] table.")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where} must be a table.")
        return {}
    return value


def _unknown(problems: Problems, table: dict, allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            problems.append(f"{where} has an unknown key {key}; allowed: {', '.join(allowed)}.")


def _date(problems: Problems, table: dict, key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        problems.append(f"{where} {key} {value!r} is not a date (YYYY-MM-DD).")
        return None


def _id_list(problems: Problems, table: dict, key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} {key} must be a list of rule ids.")
        return []
    return value


def _rules(problems: Problems, data: dict) -> tuple[set[str], set[str], dict[str, RuleSetting]]:
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


def _gestational_age(problems: Problems, data: dict) -> tuple[str, float | None]:
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


def _pathways(problems: Problems, data: dict) -> list[Pathway]:
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


def _documentation(problems: Problems, data: dict) -> dict[str, tuple[str, ...]]:
    table = _table(problems, data, "documentation", "[documentation]", required=False)
    _unknown(problems, table, ("initiation", "continuation"), "[documentation]")
    return {
        scope: _documentation_list(problems, table, scope, "[documentation]", scope)
        for scope in ("initiation", "continuation")
    }


def _exclusions(problems: Problems, data: dict) -> list[Exclusion]:
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


def _duration(problems: Problems, data: dict) -> dict[str, float | None]:
    table = _table(problems, data, "duration", "[duration]", required=False)
    _unknown(problems, table, DURATION_KEYS, "[duration]")
    out: dict[str, float | None] = {}
    for key in DURATION_KEYS:
        value = table.get(key)
        if value is not None and (not _is_number(value) or value <= 0):
            problems.append(f"[duration] {key} must be a positive number.")
            value = None
        out[key] = float(value) if value is not None else None
    return out


def _params(problems: Problems, data: dict) -> dict[str, float | str | None]:
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
    params = _params(problems, data)
    disabled, enabled, overrides = _rules(problems, data)
    operator, weeks = _gestational_age(problems, data)
    pathways = _pathways(problems, data)
    documentation = _documentation(problems, data)
    exclusions = _exclusions(problems, data)
    duration = _duration(problems, data)
    params.update(
        review_after_hours=duration["review_after_hours"] or COMPARISON_REVIEW_HOURS,
        review_beyond_days=duration["review_beyond_days"],
        max_days=duration["max_days"],
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


def describe_source(info: dict[str, str]) -> str:
    """Return the source as one line: payer, number, title, revision and address."""
    if not info.get("number"):
        return ""
    text = f'{info.get("payer", "")} {info["number"]} "{info.get("title", "")}"'.strip()
    revision = info.get("revision_date")
    if revision:
        text += f", revision {revision}"
    if info.get("url"):
        text += f", {info['url']}"
    return text


def read(path: Path) -> tuple[Policy | None, Problems]:
    """Read a policy file; a file that is not TOML is one problem naming the line."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        return None, Problems([f"{path} cannot be read ({e.strerror})."])
    except tomllib.TOMLDecodeError as e:
        return None, Problems([f"{path} is not valid TOML ({e})."])
    except UnicodeDecodeError:
        return None, Problems([f"{path} is not UTF-8 text."])
    return parse(data, path)
