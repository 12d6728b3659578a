"""The policy file's vocabulary: the tables and keys it may hold, the names it may use, and the
`Policy` a file describes (read by engine/policy_file.py; format in docs/policies.md). Also the
small readers every table shares, which name a problem by its key in one sentence.
"""

from __future__ import annotations

import re
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
    "duration_section",
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
DURATION_TEXT_KEYS = ("section",)
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
