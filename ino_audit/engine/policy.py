"""Policy versions as data: policies/<version>.toml describes a whole payer policy.

A file names the rules that apply (and their severity, denial tag and cited section), the
pathways the policy covers or not, its own exclusion code lists, the documentation each pathway
needs, the duration handling, the thresholds the rules read, its source and what it assumes
(format: engine/policy_file.py and docs/policies.md). The shipped versions live in policies/;
folders named in INO_AUDIT_POLICY_DIRS (separated like PATH) add an analyst's own files.

`install` writes the installed version's thresholds to the one-row table `params`;
`install_library` writes what every version says about rules, pathways, documentation and
exclusion codes to tables keyed by version, which the facts, the rules and the outputs join.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import duckdb

from ino_audit.engine import codesets, registry
from ino_audit.engine.policy_file import (
    Exclusion,
    Pathway,
    Policy,
    RuleSetting,
    read,
)
from ino_audit.infra.errors import AuditError
from ino_audit.infra.paths import POLICIES_DIR

__all__ = ["Exclusion", "Pathway", "Policy", "RuleSetting"]
POLICY_DIRS_ENV = "INO_AUDIT_POLICY_DIRS"


def policy_dirs() -> list[Path]:
    """Return the folders policy files are read from: the shipped one, then the analyst's."""
    extra = [Path(p) for p in os.environ.get(POLICY_DIRS_ENV, "").split(os.pathsep) if p]
    return [POLICIES_DIR, *extra]


def policy_files() -> list[Path]:
    """Return every policy file, shipped first."""
    return [p for folder in policy_dirs() for p in sorted(folder.glob("*.toml"))]


@cache
def _read_cached(path: Path, stamp: tuple[int, int]) -> Policy:
    """Read one file (cached by path, size and modification time), or fail with its problems."""
    pol, problems = read(path)
    if problems or pol is None:
        raise AuditError(
            f"Policy file {path} is not valid: {problems[0]}"
            + (
                f" ({len(problems) - 1} more; run ino-audit policies --check)"
                if problems[1:]
                else ""
            )
        )
    return pol


def read_file(path: Path) -> Policy:
    """Return the policy a file describes, or fail with one sentence naming the file."""
    st = path.stat()
    return _read_cached(path, (st.st_size, st.st_mtime_ns))


def available() -> dict[str, Path]:
    """Return the policy versions this installation can audit against, by version id."""
    out: dict[str, Path] = {}
    for path in policy_files():
        version = read_file(path).version
        if version in out:
            raise AuditError(
                f"Policy version {version} is defined twice: {out[version]} and {path}."
            )
        out[version] = path
    return out


def default_version() -> str:
    """Return the version marked as default."""
    for path in available().values():
        pol = read_file(path)
        if pol.default:
            return pol.version
    raise AuditError("No policy file is marked as the default.")


def load(version: str | None = None) -> Policy:
    """Load a policy version (the default when None), or fail with one sentence."""
    versions = available()
    version = version or default_version()
    if version not in versions:
        raise AuditError(
            f"Unknown policy version {version}; available: {', '.join(sorted(versions))}."
        )
    return read_file(versions[version])


def library_digest() -> str:
    """Return a digest of every policy file (part of the evaluation's fingerprint)."""
    h = hashlib.sha256()
    for path in policy_files():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def descriptions() -> list[str]:
    """Return one line per installed version: title, source and effective dates (default marked)."""
    default = default_version()
    lines = []
    for version in available():
        pol = load(version)
        mark = " (default)" if version == default else ""
        if pol.effective_from or pol.effective_to:
            span = f"effective {pol.effective_from or 'any date'} to {pol.effective_to or 'open'}"
        else:
            span = "effective date not established"
        lines.append(
            f"{version}{mark}: {pol.title}; source: {pol.source or 'not recorded'}; {span}"
        )
    return lines


def install(con: duckdb.DuckDBPyConnection, policy: Policy, run_id: str) -> None:
    """Write the policy's parameters, version and run id into the one-row table `params`."""
    names = sorted(policy.params)
    bad = [n for n in names if not n.isidentifier() or not n.islower()]
    if bad:
        raise AuditError(f"Policy {policy.version} has badly named parameters: {', '.join(bad)}.")
    types = {n: "varchar" if isinstance(policy.params[n], str) else "double" for n in names}
    cols = ", ".join(f"{n} {types[n]}" for n in names)
    con.execute(f"create or replace table params (policy_version varchar, run_id varchar, {cols})")
    marks = ", ".join("?" for _ in range(len(names) + 2))
    values = [policy.version, run_id] + [policy.params[n] for n in names]
    con.execute(f"insert into params values ({marks})", values)


# Tables of the policy library, keyed by policy_version (install_library).
LIBRARY_TABLES = (
    "policy_rule_settings",
    "policy_pathways",
    "policy_documentation",
    "policy_exclusion_codes",
)


def _rule_rows(pol: Policy) -> list[tuple]:
    rows = []
    for rule in registry.rules():
        s = pol.overrides.get(rule.rule_id, RuleSetting())
        rows.append((pol.version, rule.rule_id, pol.applies(rule), s.severity, s.tag, s.section))
    return rows


def _documentation_rows(pol: Policy) -> list[tuple]:
    rows = [(pol.version, scope, f) for scope, fs in pol.documentation.items() for f in fs]
    rows += [(pol.version, p.name, f) for p in pol.pathways for f in p.documentation]
    return rows


def exclusion_codes(
    con: duckdb.DuckDBPyConnection, exclusion: Exclusion
) -> tuple[list[tuple[str, str]], list[str]]:
    """Return an exclusion list's (code, dotted code) pairs and a sentence per spec or value set
    that expands to no ICD-10-CM code (the code sets must be installed)."""
    problems = []
    found: dict[str, str] = {}
    for spec in exclusion.codes:
        codes = codesets.expand_spec(con, spec)
        if not codes:
            problems.append(
                f"[[exclusions]] {exclusion.name}: {spec} expands to no ICD-10-CM code."
            )
        found.update(codes)
    for name in exclusion.value_sets:
        rows = con.execute(
            "select code, code_dotted from value_set_codes "
            "where value_set = ? and code_system like 'ICD-10%'",
            [name],
        ).fetchall()
        if not rows:
            problems.append(
                f"[[exclusions]] {exclusion.name}: value set {name} is not in "
                "valuesets/value_sets.csv or holds no ICD-10 code."
            )
        found.update(dict(rows))
    return sorted(found.items()), problems


def install_library(con: duckdb.DuckDBPyConnection) -> None:
    """Write what every policy version says about its rules, pathways, documentation and
    exclusion codes (the code sets must be installed; codes that do not expand stop the run)."""
    policies = [load(v) for v in available()]
    con.execute(
        "create or replace table policy_rule_settings (policy_version varchar, rule_id varchar, "
        "enabled boolean, severity varchar, tag varchar, policy_section varchar)"
    )
    con.executemany(
        "insert into policy_rule_settings values (?, ?, ?, ?, ?, ?)",
        [row for pol in policies for row in _rule_rows(pol)],
    )
    con.execute(
        "create or replace table policy_pathways (policy_version varchar, pathway varchar, "
        "covered boolean, label varchar, tag varchar, policy_section varchar)"
    )
    pathway_rows = [
        (pol.version, p.name, p.covered, p.label, p.tag, p.section)
        for pol in policies
        for p in pol.pathways
    ]
    if pathway_rows:
        con.executemany("insert into policy_pathways values (?, ?, ?, ?, ?, ?)", pathway_rows)
    con.execute(
        "create or replace table policy_documentation "
        "(policy_version varchar, scope varchar, field varchar)"
    )
    doc_rows = [row for pol in policies for row in _documentation_rows(pol)]
    if doc_rows:
        con.executemany("insert into policy_documentation values (?, ?, ?)", doc_rows)
    con.execute(
        "create or replace table policy_exclusion_codes (policy_version varchar, "
        "exclusion varchar, position integer, label varchar, tag varchar, policy_section varchar, "
        "min_age_days integer, code varchar, code_dotted varchar)"
    )
    code_rows = []
    for pol in policies:
        for position, ex in enumerate(pol.exclusions, start=1):
            codes, problems = exclusion_codes(con, ex)
            if problems:
                raise AuditError(f"Policy {pol.version}: {problems[0]}")
            head = (pol.version, ex.name, position, ex.label, ex.tag, ex.section)
            code_rows += [(*head, ex.min_age_days, code, shown) for code, shown in codes]
    if code_rows:
        con.executemany(
            "insert into policy_exclusion_codes values (?, ?, ?, ?, ?, ?, ?, ?, ?)", code_rows
        )


def install_period(con: duckdb.DuckDBPyConnection, period: dict[str, str | None]) -> None:
    """Write the audit period (paid and service date bounds, null = open) to `audit_period`."""
    con.execute(
        "create or replace table audit_period "
        "(paid_from date, paid_to date, service_from date, service_to date)"
    )
    con.execute(
        "insert into audit_period values (?, ?, ?, ?)",
        [period["paid_from"], period["paid_to"], period["service_from"], period["service_to"]],
    )
