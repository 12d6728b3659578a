"""Entry points over the stages: the audit, validation alone, and two policies compared.

Every entry point runs the same ordered stages (ino_audit/pipeline/stages.py): the CLI's
`audit`, the Prefect flow (one task per stage), `validate` (ingest and the suites only) and
`compare-policies` (ingest once, evaluate twice).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ino_audit.engine import codesets, rules
from ino_audit.infra import fingerprint, profiling, safe_io
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.ingest import publish
from ino_audit.pipeline import stages
from ino_audit.pipeline.config import AuditConfig, AuditResult, Session, session
from ino_audit.quality import results

Say = Callable[[str], None]
Stage = Callable[[Session], None]

# (label shown to the user, stage) in run order; the Prefect flow runs the same list as tasks.
STAGES: list[tuple[str, Stage]] = [
    ("Ingesting extracts (staging, quarantine, expectations)", stages.ingest),
    ("Evaluating policy rules", stages.evaluate),
    ("Writing outputs", stages.write),
]


def timed(s: Session, name: str, fn: Stage) -> None:
    """Run one stage and record its wall time in the session."""
    t = time.perf_counter()
    fn(s)
    s.timings[name] = time.perf_counter() - t


def result_of(s: Session) -> AuditResult:
    """Return the result of a finished session."""
    assert s.policy is not None and s.cfg.run_id is not None
    return AuditResult(s.cfg.run_id, s.policy.version, s.cfg.out, s.summary, s.timings)


def run_audit(cfg: AuditConfig, step: Say | None = None) -> AuditResult:
    """Run the whole audit in-process and write the output files."""
    say = step or (lambda _: None)
    profiling.reset()
    with session(cfg) as s:
        for label, fn in STAGES:
            say(label)
            timed(s, fn.__name__, fn)
        return result_of(s)


def run_validation(
    inputs: dict[str, str], out: Path, db: Path | None = None, run_id: str | None = None
) -> results.ValidationSummary:
    """Ingest an extract and run its suites without auditing (`ino-audit validate`)."""
    run_id = run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-validate"
    cfg = AuditConfig(inputs["claims"], inputs["encounters"], inputs["members"], out, db)
    cfg.run_id = run_id
    t = time.perf_counter()
    with session(cfg) as s:
        codesets.ensure_codesets(s.con)
        # The tables are replaced: an audit on this database must ingest and evaluate again.
        fingerprint.record(s.con, "load", None)
        fingerprint.record(s.con, "evaluate", None)
        s.quality = stages.ingest_and_start_checks(s.con, inputs, dict)
        stages.finish_checks(s)
        folder, docs, error = results.write_files(s.con, out, run_id)
        safe_io.write_csv(s.con, read_sql("outputs/quarantine_csv.sql"), out / "quarantine.csv")
        outcomes = results.outcomes(s.con)
        sources = {k: asdict(v) for k, v in publish.stats(s.con).items()}
    summary = results.ValidationSummary(
        run_id, outcomes, folder, docs, error, time.perf_counter() - t
    )
    summary.extra["sources"] = sources
    safe_io.write_text(
        out / "validation" / "summary.json", json.dumps(summary.as_dict(), indent=2) + "\n"
    )
    return summary


@dataclass
class Comparison:
    """Totals of a policy comparison."""

    base_version: str
    other_version: str
    changed_claims: int
    dollar_effect: float
    path: Path


def compare(cfg: AuditConfig, base_version: str | None, other_version: str) -> Comparison:
    """Ingest once, evaluate under both versions, write policy_comparison.csv into cfg.out."""
    cfg.policy_version = base_version
    with session(cfg) as s:
        stages.ingest(s)
        con = s.con
        base = stages.install_policy(con, cfg)
        rules.evaluate(con)
        con.execute("create or replace table determinations_base as select * from determinations")
        other = stages.install_policy(
            con, replace(cfg, policy_version=other_version, policy_map=None)
        )
        rules.evaluate(con)
        con.execute("create or replace table determinations_other as select * from determinations")
        stages.finish_checks(s)
        run_sql_file(con, "outputs/policy_comparison.sql")
        path = safe_io.write_csv(
            con, "select * from policy_comparison", cfg.out / "policy_comparison.csv"
        )
        ((changed, effect),) = con.execute(
            "select count(*), coalesce(sum(dollar_effect), 0) from policy_comparison"
        ).fetchall()
    return Comparison(base.version, other.version, changed, float(effect), path)
