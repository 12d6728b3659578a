"""The rules registry (rules/registry.csv) and severities as typed rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import duckdb

from ino_audit.paths import RULES_DIR, SQL_DIR


@dataclass(frozen=True)
class Rule:
    """One registry row: a policy criterion and where its logic lives."""

    rule_id: str
    severity: str
    policy_section: str
    stage: int
    scope: str
    parameters: tuple[str, ...]
    criterion: str
    reviewer_guidance: str

    @property
    def sql_path(self):
        """Return the rule's SQL file, named after its id."""
        return SQL_DIR / "rules" / f"{self.rule_id}.sql"


@cache
def rules() -> tuple[Rule, ...]:
    """Return every rule of the registry in evaluation order (stage, then id)."""
    with open(RULES_DIR / "registry.csv", newline="") as f:
        rows = [
            Rule(
                r["rule_id"],
                r["severity"],
                r["policy_section"],
                int(r["stage"]),
                r["scope"],
                tuple(p for p in r["parameters"].split(";") if p),
                r["criterion"],
                r["reviewer_guidance"],
            )
            for r in csv.DictReader(f)
        ]
    return tuple(sorted(rows, key=lambda r: (r.stage, r.rule_id)))


def severities() -> list[dict[str, str]]:
    """Return the severity table (rank and determination per severity)."""
    with open(RULES_DIR / "severities.csv", newline="") as f:
        return list(csv.DictReader(f))


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Write `rules_registry` and `severities` tables for the output SQL to join."""
    con.execute(
        "create or replace table rules_registry (rule_id varchar, severity varchar, "
        "policy_section varchar, stage integer, scope varchar, criterion varchar)"
    )
    con.executemany(
        "insert into rules_registry values (?, ?, ?, ?, ?, ?)",
        [(r.rule_id, r.severity, r.policy_section, r.stage, r.scope, r.criterion) for r in rules()],
    )
    con.execute(
        "create or replace table severities "
        "(severity varchar, rank integer, determination varchar, meaning varchar)"
    )
    con.executemany(
        "insert into severities values (?, ?, ?, ?)",
        [
            (s["severity"], int(s["rank"]), s["determination"] or None, s["meaning"])
            for s in severities()
        ],
    )
