"""The audit as one importable function: load, evaluate, write. CLI and Prefect flow call it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit import codesets, engine, load, outputs, policy
from ino_audit.db import connect

Step = Callable[[str], None]


@dataclass
class AuditConfig:
    """What to audit and where to write it."""

    claims: str
    encounters: str
    members: str
    out: Path
    db: Path | None = None
    policy_version: str | None = None
    run_id: str | None = None
    threads: int | None = None
    memory_limit: str | None = None

    @property
    def db_path(self) -> Path:
        """Return the database file: --db, else ino_audit.duckdb in the output folder."""
        return self.db or self.out / "ino_audit.duckdb"


@dataclass
class AuditResult:
    """What a finished audit reports back."""

    run_id: str
    policy_version: str
    out: Path
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def new_run_id() -> str:
    """Return a sortable, unique run id (UTC time plus a random suffix)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def prepare(con: duckdb.DuckDBPyConnection, cfg: AuditConfig) -> policy.Policy:
    """Install code sets and the policy's parameters for this run."""
    pol = policy.load(cfg.policy_version)
    codesets.ensure_codesets(con)
    policy.install(con, pol, cfg.run_id or "")
    return pol


def run_audit(cfg: AuditConfig, step: Step | None = None) -> AuditResult:
    """Run the whole audit in-process and write the output files."""
    cfg.run_id = cfg.run_id or new_run_id()
    say = step or (lambda _: None)
    timings: dict[str, float] = {}
    con = connect(cfg.db_path, cfg.threads, cfg.memory_limit)
    try:
        t = time.perf_counter()
        say("Preparing code sets and policy")
        pol = prepare(con, cfg)
        timings["prepare"] = time.perf_counter() - t
        t = time.perf_counter()
        say("Loading extracts")
        load.load(con, {"claims": cfg.claims, "encounters": cfg.encounters, "members": cfg.members})
        timings["load"] = time.perf_counter() - t
        t = time.perf_counter()
        say("Evaluating CP.MP.87 rules")
        engine.evaluate(con)
        timings["evaluate"] = time.perf_counter() - t
        t = time.perf_counter()
        say("Writing outputs")
        outputs.write_tables(con, cfg.out)
        data = outputs.summary(
            con,
            {
                "run_id": cfg.run_id,
                "policy_version": pol.version,
                "policy_title": pol.title,
                "inputs": {
                    "claims": cfg.claims,
                    "encounters": cfg.encounters,
                    "members": cfg.members,
                },
                "database": str(cfg.db_path),
            },
        )
        timings["write"] = time.perf_counter() - t
        data["timings_seconds"] = {k: round(v, 3) for k, v in timings.items()}
        outputs.write_summary(cfg.out, data)
    finally:
        con.close()
    return AuditResult(cfg.run_id, pol.version, cfg.out, data, timings)
