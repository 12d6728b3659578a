"""Audit one extract under two policy versions and list the claims whose outcome changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ino_audit.engine import evaluate as engine
from ino_audit.engine import policy, policy_map
from ino_audit.infra import safe_io
from ino_audit.infra.db import connect
from ino_audit.infra.sqlfiles import run_sql_file
from ino_audit.ingest import load
from ino_audit.pipeline.audit import AuditConfig, new_run_id, prepare


@dataclass
class Comparison:
    """Totals of a policy comparison."""

    base_version: str
    other_version: str
    changed_claims: int
    dollar_effect: float
    path: Path


def compare(cfg: AuditConfig, base_version: str | None, other_version: str) -> Comparison:
    """Load once, evaluate under both versions, write policy_comparison.csv into cfg.out."""
    cfg.run_id = cfg.run_id or new_run_id()
    cfg.policy_version = base_version
    con = connect(cfg.db_path, cfg.threads, cfg.memory_limit)
    try:
        base = prepare(con, cfg)
        load.load(con, {"claims": cfg.claims, "encounters": cfg.encounters, "members": cfg.members})
        engine.evaluate(con)
        con.execute("create or replace table determinations_base as select * from determinations")
        other = policy.load(other_version)
        policy.install(con, other, cfg.run_id)
        policy_map.install(con, [], other.version)
        engine.evaluate(con)
        con.execute("create or replace table determinations_other as select * from determinations")
        run_sql_file(con, "outputs/policy_comparison.sql")
        path = safe_io.write_csv(
            con, "select * from policy_comparison", cfg.out / "policy_comparison.csv"
        )
        changed, effect = con.execute(
            "select count(*), coalesce(sum(dollar_effect), 0) from policy_comparison"
        ).fetchone()
    finally:
        con.close()
    return Comparison(base.version, other.version, changed, float(effect), path)
