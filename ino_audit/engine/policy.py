"""Policy versions as data: policies/<version>.toml holds every threshold the rules use."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ino_audit.infra.errors import AuditError
from ino_audit.infra.paths import POLICIES_DIR


@dataclass(frozen=True)
class Policy:
    """One policy version: its id, title, source, effective dates and numeric parameters."""

    version: str
    title: str
    params: dict[str, float]
    source: str = ""
    effective_from: str | None = None
    effective_to: str | None = None


def available() -> dict[str, Path]:
    """Return the policy versions shipped with the project, by version id."""
    out = {}
    for path in sorted(POLICIES_DIR.glob("*.toml")):
        with open(path, "rb") as f:
            out[tomllib.load(f)["policy"]["version"]] = path
    return out


def default_version() -> str:
    """Return the version marked as default."""
    for version, path in available().items():
        with open(path, "rb") as f:
            if tomllib.load(f)["policy"].get("default"):
                return version
    raise AuditError("No policy file is marked as the default.")


def load(version: str | None = None) -> Policy:
    """Load a policy version (the default when None), or fail with one sentence."""
    versions = available()
    version = version or default_version()
    if version not in versions:
        raise AuditError(
            f"Unknown policy version {version}; available: {', '.join(sorted(versions))}."
        )
    with open(versions[version], "rb") as f:
        data = tomllib.load(f)
    meta = data["policy"]
    return Policy(
        version,
        meta["title"],
        {k: float(v) for k, v in data["params"].items()},
        meta.get("source", ""),
        meta.get("effective_from"),
        meta.get("effective_to"),
    )


def descriptions() -> list[str]:
    """Return one line per installed version: title, source and effective dates (default marked)."""
    default = default_version()
    lines = []
    for version in available():
        pol = load(version)
        mark = " (default)" if version == default else ""
        span = f"{pol.effective_from or 'any date'} to {pol.effective_to or 'open'}"
        lines.append(
            f"{version}{mark}: {pol.title}; source: {pol.source or 'not recorded'}; "
            f"effective {span}"
        )
    return lines


def install(con: duckdb.DuckDBPyConnection, policy: Policy, run_id: str) -> None:
    """Write the policy's parameters, version and run id into the one-row table `params`."""
    names = sorted(policy.params)
    bad = [n for n in names if not n.isidentifier() or not n.islower()]
    if bad:
        raise AuditError(f"Policy {policy.version} has badly named parameters: {', '.join(bad)}.")
    cols = ", ".join(f"{n} double" for n in names)
    con.execute(f"create or replace table params (policy_version varchar, run_id varchar, {cols})")
    marks = ", ".join("?" for _ in range(len(names) + 2))
    values = [policy.version, run_id] + [policy.params[n] for n in names]
    con.execute(f"insert into params values ({marks})", values)


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
