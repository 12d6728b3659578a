"""The rules registry (rules/registry.csv) and severities as typed rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import duckdb

from ino_audit.infra.paths import RULES_DIR, SQL_DIR
from ino_audit.infra.sqlfiles import run_sql_file


@dataclass(frozen=True)
class Rule:
    """One registry row: a policy criterion and where its logic lives."""

    rule_id: str
    severity: str
    policy_section: str
    after: tuple[str, ...]
    scope: str
    parameters: tuple[str, ...]
    criterion: str
    reviewer_guidance: str
    opt_in: bool = False  # a policy-file rule: it applies only under a policy that enables it

    @property
    def sql_path(self):
        """Return the rule's SQL file, named after its id."""
        return SQL_DIR / "rules" / f"{self.rule_id}.sql"

    @property
    def cross_member(self) -> bool:
        """Return whether the rule compares members (it runs after a partitioned merge)."""
        return self.scope == "provider"


def _ids(text: str) -> tuple[str, ...]:
    """Return the non-empty items of a semicolon-separated registry cell."""
    return tuple(p for p in text.split(";") if p)


def dependency_order(rows: list[Rule]) -> tuple[Rule, ...]:
    """Return the rules so that each comes after the rules its `after` names (registry order
    otherwise); an unknown id or a cycle is an error in the registry."""
    by_id = {r.rule_id: r for r in rows}
    unknown = sorted({a for r in rows for a in r.after} - set(by_id))
    if unknown:
        raise ValueError(f"rules/registry.csv: `after` names unknown rules {unknown}")
    done: dict[str, Rule] = {}
    while len(done) < len(rows):
        ready = [r for r in rows if r.rule_id not in done and set(r.after) <= set(done)]
        if not ready:
            cycle = sorted(set(by_id) - set(done))
            raise ValueError(f"rules/registry.csv: `after` forms a cycle among {cycle}")
        done.update((r.rule_id, r) for r in ready)
    return tuple(done.values())


def depths() -> dict[str, int]:
    """Return each rule's dependency depth: 0 when it reads no rule's hits, else 1 + the
    deepest rule it runs after (a rule that yields to others ranks after them)."""
    level: dict[str, int] = {}
    for rule in rules():
        level[rule.rule_id] = 1 + max((level[a] for a in rule.after), default=-1)
    return level


@cache
def rules() -> tuple[Rule, ...]:
    """Return every rule of the registry in evaluation order (dependencies first)."""
    with open(RULES_DIR / "registry.csv", newline="") as f:
        rows = [
            Rule(
                r["rule_id"],
                r["severity"],
                r["policy_section"],
                _ids(r["after"]),
                r["scope"],
                _ids(r["parameters"]),
                r["criterion"],
                r["reviewer_guidance"],
                r.get("opt_in", "") == "yes",
            )
            for r in csv.DictReader(f)
        ]
    return dependency_order(rows)


def severities() -> list[dict[str, str]]:
    """Return the severity table (rank and determination per severity)."""
    with open(RULES_DIR / "severities.csv", newline="") as f:
        return list(csv.DictReader(f))


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Write `rules_registry`, `rule_dependencies` and `severities` for the SQL to join."""
    con.execute(
        "create or replace table rules_registry (rule_id varchar, severity varchar, "
        "policy_section varchar, scope varchar, criterion varchar, depth integer)"
    )
    levels = depths()
    con.executemany(
        "insert into rules_registry values (?, ?, ?, ?, ?, ?)",
        [
            (r.rule_id, r.severity, r.policy_section, r.scope, r.criterion, levels[r.rule_id])
            for r in rules()
        ],
    )
    con.execute(
        "create or replace table rule_dependencies (rule_id varchar, after_rule_id varchar)"
    )
    pairs = [(r.rule_id, a) for r in rules() for a in r.after]
    if pairs:
        con.executemany("insert into rule_dependencies values (?, ?)", pairs)
    run_sql_file(con, "registry/denying_dependencies.sql")
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
