"""Partitioned rule evaluation: split by member, evaluate each part anywhere, merge.

Each member's claims, encounters and episodes stay in one partition (hash of member id), so
every claim-level rule gives the same hits as in one process. The provider rule compares
providers across members and runs after the merge. Parts travel as Parquet folders, so a
worker only needs the shared storage and the project installed: no database is shared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ino_audit.engine import facts, policy, rules
from ino_audit.infra import safe_io

INPUT_TABLES = ("claim_lines", "encounters", "members")
SHARED_TABLES = (
    "value_set_codes",
    "gestational_age_codes",
    "icd10cm_codes",
    "params",
    "audit_period",
    "policy_map",
    "policy_default",
    *policy.LIBRARY_TABLES,
)
SHARED = "shared"  # the folder of the reference tables, beside the partitions
# Derived tables each partition returns; the views over them are rebuilt after the merge.
RESULT_TABLES = (*facts.TABLES, *facts.POLICY, "rule_hits")


def remove(root: Path) -> None:
    """Remove the partitions folder: inputs, work databases and results (raw ids, dates)."""
    safe_io.remove_tree(root)


def split(con: duckdb.DuckDBPyConnection, root: Path, parts: int) -> list[Path]:
    """Write each partition's inputs, and the reference tables once, as Parquet folders.

    A partition takes the members of its claims and encounters only: the rules reach members
    through those, so members with neither would be copied for nothing.
    """
    con.execute(
        "create or replace temp table member_part as "
        "select member_id, hash(member_id) % $parts as part from "
        "(select member_id from claim_lines union select member_id from encounters)",
        {"parts": parts},
    )
    con.execute(
        "create or replace temp table claim_part as select claim_id, "
        "hash(min(member_id)) % $parts as part from claim_lines group by claim_id",
        {"parts": parts},
    )
    shared = root / SHARED
    shared.mkdir(parents=True, exist_ok=True)
    for table in SHARED_TABLES:
        con.table(table).to_parquet(str(shared / f"{table}.parquet"))
    queries = {
        "claim_lines": "select claim_lines.* from claim_lines semi join "
        "(select claim_id from claim_part where part = $part) using (claim_id)",
        **{
            table: f"select {table}.* from {table} semi join "
            "(select member_id from member_part where part = $part) using (member_id)"
            for table in ("encounters", "members")
        },
    }
    folders = []
    for i in range(parts):
        folder = root / f"part-{i:04d}" / "input"
        folder.mkdir(parents=True, exist_ok=True)
        for table, query in queries.items():
            con.sql(query, params={"part": i}).to_parquet(str(folder / f"{table}.parquet"))
        folders.append(folder.parent)
    return folders


def evaluate_part(folder: Path, memory_limit: str, threads: int = 1) -> Path:
    """Evaluate one partition's member-local rules in its own database; return its results.

    The database is in memory (measured faster than a file: the part is loaded and read once),
    held to `memory_limit` (DuckDB's default would be 80 % of the machine for each part); what
    does not fit spills into the partition's folder, which the flow removes.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"set threads = {int(threads):d}")
        con.execute("set memory_limit = $limit", {"limit": memory_limit})
        con.execute("set timezone = 'UTC'")
        con.execute("set temp_directory = $dir", {"dir": str(folder / "spill")})
        for table in INPUT_TABLES:
            con.read_parquet(str(folder / "input" / f"{table}.parquet")).to_table(table)
        for table in SHARED_TABLES:
            con.read_parquet(str(folder.parent / SHARED / f"{table}.parquet")).to_table(table)
        facts.build(con)
        rules.run_member_rules(con)
        results = folder / "result"
        results.mkdir(exist_ok=True)
        for table in RESULT_TABLES:
            con.table(table).to_parquet(str(results / f"{table}.parquet"))
    finally:
        con.close()
    return folder / "result"


def merge(con: duckdb.DuckDBPyConnection, results: list[Path]) -> None:
    """Union the partitions' results, run the cross-member rules, build the outputs."""
    for table in RESULT_TABLES:
        files = [str(r / f"{table}.parquet") for r in results]
        con.execute(f"drop table if exists {table}")
        con.read_parquet(files).to_table(table)
    facts.build_views(con)
    rules.run_rules(con, cross_member=True)
    rules.build_findings(con)
