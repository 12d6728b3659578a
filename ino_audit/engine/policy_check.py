"""`ino-audit policies --check FILE`: everything wrong with a policy file, one sentence each.

The file's own problems come from engine/policy_file.py (schema, unknown rule ids, settings
that contradict each other). This module adds what needs more than the file: codes and value
sets that expand to no ICD-10-CM code (the project's code sets, engine/codesets.py), a version
id or a default that another installed file already has, and effective dates that overlap
another version of the same policy (same payer and number).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from ino_audit.engine import codesets, policy
from ino_audit.engine.policy_file import Policy, read


def _span(pol: Policy) -> tuple[date, date] | None:
    """Return the effective dates (open end = date.max), or None when the start is unknown."""
    if not pol.effective_from:
        return None
    end = date.fromisoformat(pol.effective_to) if pol.effective_to else date.max
    return date.fromisoformat(pol.effective_from), end


def _dates(pol: Policy) -> str:
    return f"{pol.effective_from} to {pol.effective_to or 'open'}"


def installed(except_path: Path) -> list[Policy]:
    """Return the readable installed policies other than the file being checked."""
    out = []
    for path in policy.policy_files():
        if path.resolve() == except_path.resolve():
            continue
        pol, problems = read(path)
        if pol is not None and not problems:
            out.append(pol)
    return out


def against_library(pol: Policy, others: list[Policy]) -> list[str]:
    """Return the problems between a policy and the other installed versions."""
    problems = []
    for other in others:
        if other.version == pol.version:
            problems.append(
                f"[policy] version {pol.version} is already defined by {other.path}; "
                "give this version its own id."
            )
        if pol.default and other.default:
            problems.append(
                f"[policy] default is true, but {other.version} is already the default version."
            )
        if other.family == pol.family and other.version != pol.version:
            mine, theirs = _span(pol), _span(other)
            if mine and theirs and mine[0] <= theirs[1] and theirs[0] <= mine[1]:
                problems.append(
                    f"[policy] effective dates {_dates(pol)} overlap those of {other.version} "
                    f"({_dates(other)}), another version of {pol.family[1]}; end one before "
                    "the other starts."
                )
    return problems


def codes(pol: Policy) -> list[str]:
    """Return a sentence for every code, range or value set that expands to no code."""
    if not pol.exclusions:
        return []
    con = duckdb.connect()
    try:
        codesets.ensure_codesets(con)
        problems = []
        for ex in pol.exclusions:
            problems += policy.exclusion_codes(con, ex)[1]
        return problems
    finally:
        con.close()


def check(path: Path) -> tuple[Policy | None, list[str]]:
    """Return the policy a file describes (None when it cannot be read) and every problem."""
    pol, problems = read(path)
    out = list(problems)
    if pol is None:
        return None, out
    out += codes(pol)
    out += against_library(pol, installed(path))
    return pol, out


def summary(pol: Policy) -> str:
    """Return the sentence printed for a valid file."""
    covered = [p.name for p in pol.pathways if p.covered]
    return (
        f"{pol.path}: policy {pol.version} is valid: {len(pol.rule_ids())} rules apply, "
        f"{len(pol.exclusions)} exclusion list(s), covered pathways: {', '.join(covered)}."
    )


def listing(path: Path | None) -> tuple[list[str], list[str]]:
    """Return what `ino-audit policies [--check FILE]` prints: lines for stdout and problems
    for stderr (one sentence each, prefixed with the file; a run with problems exits 2)."""
    if path is None:
        return policy.descriptions(), []
    pol, problems = check(path)
    if problems or pol is None:
        return [], [f"{path}: {p}" for p in problems]
    return [summary(pol)], []
