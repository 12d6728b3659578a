"""Rules: every registry rule over the facts into `rule_hits`, then findings and determinations.

Each rule is one SQL file (sql/rules/<rule id>.sql) run in the registry's dependency order;
Python only sequences them. All steps are set-based DuckDB SQL over whole tables.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from ino_audit.engine import facts, policy, policy_map, registry
from ino_audit.infra.sqlfiles import read_sql, run_sql_file

RULE_HITS_DDL = """
create or replace table rule_hits (
    rule_id varchar, claim_id varchar, encounter_id varchar, episode_id varchar,
    provider_id varchar, sort_ts timestamp, message varchar, evidence json
)
"""


def run_rules(
    con: duckdb.DuckDBPyConnection,
    on_rule: Callable[[str], None] | None = None,
    cross_member: bool | None = None,
) -> None:
    """Run the registry's rules that apply under the installed policy, in dependency order, into
    `rule_hits` (which rules apply: policy_rule_settings, from the policy file).

    `cross_member` None runs every rule into a new table; False only the rules that look at one
    member at a time (a partition), into a new table; True only the rules that compare members,
    appended after a partitioned merge.
    """
    registry.install(con)
    applying = applying_rules(con)
    if cross_member is not True:
        con.execute(RULE_HITS_DDL)
    for rule in registry.rules():
        if cross_member is not None and rule.cross_member != cross_member:
            continue
        if rule.rule_id not in applying:
            continue
        con.execute(f"insert into rule_hits by name ({read_sql(f'rules/{rule.rule_id}.sql')})")
        if on_rule:
            on_rule(rule.rule_id)


def applying_rules(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Return the ids of the rules that apply under the installed policy version."""
    rows = con.execute(
        "select rule_id from policy_rule_settings semi join params using (policy_version) "
        "where enabled"
    ).fetchall()
    return {r[0] for r in rows}


# Hits on an unbilled initiation (judged_pairs.billed = false) only inform INO-IB-PRIOR; once the
# member-local rules have run they leave, so they never become findings of the claim.
DROP_UNBILLED_HITS = """
delete from rule_hits
using judged_pairs
where judged_pairs.claim_id = rule_hits.claim_id
    and judged_pairs.encounter_id = rule_hits.encounter_id
    and not judged_pairs.billed
"""


def run_member_rules(
    con: duckdb.DuckDBPyConnection, on_rule: Callable[[str], None] | None = None
) -> None:
    """Run the member-local rules into a new `rule_hits`, each claim under its policy (§7).

    Facts must be built. When every claim is judged by the installed policy this is one pass;
    otherwise facts and rules are evaluated once per policy version in use and each version
    keeps the hits of its own claims, so a claim's outcome is the one its policy alone gives.
    """
    base, run_id = con.execute("select policy_version, run_id from params").fetchall()[0]
    versions = policy_map.versions_in_use(con)
    if versions in ([], [base]):
        run_rules(con, on_rule, cross_member=False)
        con.execute(DROP_UNBILLED_HITS)
        return
    con.execute(RULE_HITS_DDL.replace("rule_hits", "policy_rule_hits"))
    # The installed (base) version goes last: its facts are the ones left for the outputs, so
    # they are built once more only when no claim uses it.
    installed = base
    for version in sorted(versions, key=lambda v: v == base):
        if version != installed:
            policy.install(con, policy.load(version), run_id)
            facts.build(con)
            installed = version
        run_rules(con, on_rule, cross_member=False)
        con.execute(DROP_UNBILLED_HITS)
        con.execute(
            "insert into policy_rule_hits select * from rule_hits semi join "
            "(select claim_id from claim_policy where policy_version = ?) using (claim_id)",
            [version],
        )
    if installed != base:
        policy.install(con, policy.load(base), run_id)
        facts.build(con)
    con.execute("create or replace table rule_hits as select * from policy_rule_hits")
    con.execute("drop table policy_rule_hits")


def evaluate_rules(
    con: duckdb.DuckDBPyConnection, on_rule: Callable[[str], None] | None = None
) -> None:
    """Run every rule: the member-local ones per claim policy, then those comparing members."""
    run_member_rules(con, on_rule)
    run_rules(con, on_rule, cross_member=True)


def build_findings(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `findings`, `determinations` and `rules_in_use` tables from the rule hits."""
    run_sql_file(con, "outputs/findings.sql")
    run_sql_file(con, "outputs/determinations.sql")
    run_sql_file(con, "outputs/rules_in_use.sql")


def evaluate(con: duckdb.DuckDBPyConnection) -> None:
    """Run the whole rules engine on loaded tables and installed parameters."""
    facts.build(con)
    evaluate_rules(con)
    build_findings(con)
