"""Evaluate CP.MP.87: derived facts, then every registry rule, then findings and determinations.

All steps are set-based DuckDB SQL over whole tables; Python only sequences the files.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from ino_audit import registry
from ino_audit.paths import SQL_DIR
from ino_audit.sqlfiles import read_sql, run_sql_file

RULE_HITS_DDL = """
create or replace table rule_hits (
    rule_id varchar, claim_id varchar, encounter_id varchar, episode_id varchar,
    provider_id varchar, sort_ts timestamp, message varchar, evidence json
)
"""


def derived_steps() -> list[str]:
    """Return the derived-fact SQL files in execution order."""
    return sorted(f"derived/{p.name}" for p in (SQL_DIR / "derived").glob("*.sql"))


def build_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Create the derived-fact tables and views (links, episodes, courses, judged pairs)."""
    for step in derived_steps():
        run_sql_file(con, step)


def run_rules(
    con: duckdb.DuckDBPyConnection,
    on_rule: Callable[[str], None] | None = None,
    cross_member: bool | None = None,
) -> None:
    """Run the registry's rules in dependency order into `rule_hits`.

    `cross_member` None runs every rule into a new table; False only the rules that look at one
    member at a time (a partition), into a new table; True only the rules that compare members,
    appended after a partitioned merge.
    """
    registry.install(con)
    if cross_member is not True:
        con.execute(RULE_HITS_DDL)
    for rule in registry.rules():
        if cross_member is not None and rule.cross_member != cross_member:
            continue
        con.execute(f"insert into rule_hits by name ({read_sql(f'rules/{rule.rule_id}.sql')})")
        if on_rule:
            on_rule(rule.rule_id)


def build_outputs(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `findings` and `determinations` tables from the rule hits."""
    run_sql_file(con, "outputs/findings.sql")
    run_sql_file(con, "outputs/determinations.sql")


def evaluate(con: duckdb.DuckDBPyConnection) -> None:
    """Run the whole rules engine on loaded tables and installed parameters."""
    build_facts(con)
    run_rules(con)
    build_outputs(con)
