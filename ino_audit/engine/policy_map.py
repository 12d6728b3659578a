"""Policies per member (docs/contract.md §7): which policy version judges each iNO claim.

A policy map is a CSV of `line_of_business, state, policy_version, effective_from, effective_to`
(blank = any; dates inclusive). A claim takes the row that matches its member's line of business
and state on the claim's start date; when several match, the most specific wins (line of
business and state > line of business > state > neither), then the latest `effective_from`.
Two rows for the same line of business and state whose dates overlap are refused as ambiguous.
Claims that no row maps use the run's policy version (`--policy-version`, else the default).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ino_audit.engine import policy
from ino_audit.infra.errors import AuditError

COLUMNS = ("line_of_business", "state", "policy_version", "effective_from", "effective_to")


@dataclass(frozen=True)
class MapRow:
    """One row of a policy map (None = any)."""

    line_of_business: str | None
    state: str | None
    policy_version: str
    effective_from: date | None
    effective_to: date | None


def _date(path: Path, row: int, column: str, text: str) -> date | None:
    """Return an ISO date cell (None when blank), or fail naming file, row and column."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AuditError(
            f"{path}: row {row}, column {column}: {text!r} is not a date (YYYY-MM-DD)."
        ) from None


def _row(path: Path, n: int, raw: dict[str, str], versions: set[str]) -> MapRow:
    """Return one validated map row (n = 1 for the first data row)."""
    cell = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    if cell["policy_version"] not in versions:
        raise AuditError(
            f"{path}: row {n}, column policy_version: unknown version "
            f"{cell['policy_version']!r}; available: {', '.join(sorted(versions))}."
        )
    start = _date(path, n, "effective_from", cell["effective_from"])
    end = _date(path, n, "effective_to", cell["effective_to"])
    if start and end and end < start:
        raise AuditError(f"{path}: row {n}, column effective_to: {end} is before {start}.")
    return MapRow(
        cell["line_of_business"].lower() or None,
        cell["state"].upper() or None,
        cell["policy_version"],
        start,
        end,
    )


def _overlap(a: MapRow, b: MapRow) -> bool:
    """Return whether two rows for the same line of business and state share a date."""
    if (a.line_of_business, a.state) != (b.line_of_business, b.state):
        return False
    return (a.effective_to or date.max) >= (b.effective_from or date.min) and (
        b.effective_to or date.max
    ) >= (a.effective_from or date.min)


def read(path: Path) -> list[MapRow]:
    """Read and validate a policy map, or fail with one sentence naming file, row and column."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise AuditError(f"{path}: the policy map lacks column {missing[0]}.")
            versions = set(policy.available())
            rows = [_row(path, n, raw, versions) for n, raw in enumerate(reader, start=1)]
    except OSError as e:
        raise AuditError(f"{path}: the policy map cannot be read ({e.strerror}).") from None
    except UnicodeDecodeError:
        raise AuditError(f"{path}: the policy map is not UTF-8 text.") from None
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            if _overlap(a, rows[j]):
                raise AuditError(
                    f"{path}: rows {i + 1} and {j + 1} map the same line of business and state "
                    "on overlapping dates."
                )
    return rows


def install(con: duckdb.DuckDBPyConnection, rows: list[MapRow], default_version: str) -> None:
    """Write the map to `policy_map` and the run's fallback version to `policy_default`."""
    con.execute(
        "create or replace table policy_map (line_of_business varchar, state varchar, "
        "policy_version varchar, effective_from date, effective_to date)"
    )
    if rows:
        con.executemany(
            "insert into policy_map values (?, ?, ?, ?, ?)",
            [
                (r.line_of_business, r.state, r.policy_version, r.effective_from, r.effective_to)
                for r in rows
            ],
        )
    con.execute("create or replace table policy_default (policy_version varchar)")
    con.execute("insert into policy_default values (?)", [default_version])


def versions_in_use(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the policy versions that judge at least one iNO claim (from `claim_policy`)."""
    rows = con.execute("select distinct policy_version from claim_policy order by 1").fetchall()
    return [r[0] for r in rows]
