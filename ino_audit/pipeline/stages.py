"""The audit's three stages over one session: ingest, evaluate, write.

- **ingest**: stage every input row, quarantine what the loader's checks block, evaluate the
  suites' blocking expectations in SQL and quarantine what they block, publish the loaded
  tables and `load_stats` (one transaction); then start Great Expectations on the same frames
  in the helper process.
- **evaluate**: install the policy, build the facts, run the rules, build findings and
  determinations (once).
- **write**: collect the suites' results, then write every export once (masked when asked).

Each stage reads only what earlier stages wrote; a stage whose inputs and code are unchanged
since it last finished in this database is not redone (content fingerprints, run_state).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ino_audit.engine import codesets, facts, policy, policy_map, rules
from ino_audit.infra import fingerprint, profiling, safe_io, workers
from ino_audit.infra.db import transaction
from ino_audit.ingest import publish, quarantine, sources, stage
from ino_audit.ingest.schema import SOURCES
from ino_audit.outputs import masking, reports, tables
from ino_audit.pipeline.config import AuditConfig, Session
from ino_audit.quality import blocking, collect, frames, results
from ino_audit.quality.suites import SUITE_TABLES


def start_hashing(s: Session) -> fingerprint.Hashing:
    """Resolve the input files and start hashing their content (background thread)."""
    s.files = [
        {"source": source, "path": str(path), "bytes": path.stat().st_size}
        for source, pattern in s.cfg.inputs().items()
        for path in sources.resolve(source, pattern)
    ]
    return fingerprint.Hashing([Path(f["path"]) for f in s.files])


def hashed(s: Session, hashing: fingerprint.Hashing) -> None:
    """Wait for the input hashes; set each file's SHA-256 and the load fingerprint."""
    with profiling.phase("ingest.hash_inputs"):
        hashes = hashing.result()
    for f in s.files:
        f["sha256"] = hashes[f["path"]]
    # Paths count too: quarantine.csv and dq_findings.csv name the file each row came from.
    s.load_fingerprint = fingerprint.combine(
        fingerprint.code_version(), *((f["path"], f["sha256"]) for f in s.files)
    )


def expectations(
    con: duckdb.DuckDBPyConnection, as_of: datetime, folder: Path
) -> dict[str, frames.Frame]:
    """Quarantine, suite by suite, the rows failing a blocking expectation; return the frames.

    Suites run in order (members, encounters, claims): a later frame's cross-file facts see
    what an earlier suite quarantined. Each frame is written for Great Expectations before its
    rows are quarantined, so the suites validate exactly the rows the SQL judged.
    """
    con.execute(blocking.FAILURES_DDL)
    written = {}
    for source, table in SUITE_TABLES.items():
        with profiling.phase("ingest.expectations"):
            written[source] = frames.materialise(con, source, folder)
            blocking.find(con, source, as_of)
            quarantine.failed_expectations(con, source, table)
    return written


def ingest_extracts(
    con: duckdb.DuckDBPyConnection,
    inputs: dict[str, str],
    hashes: Callable[[], dict[str, str]],
    as_of: datetime,
    folder: Path,
) -> dict[str, frames.Frame]:
    """Stage, quarantine and publish the three extracts in one transaction; return the frames."""
    with profiling.phase("ingest.inspect_files"):
        files = {s: sources.inspect(con, s, inputs[s]) for s in SOURCES}
    with transaction(con):
        quarantine.drop_rejects(con)
        stage.stage(con, files)
        quarantine.loader_checks(con)
        publish.load_tables(con)
        with profiling.phase("ingest.rows_and_batches"):
            quarantine.csv_rejects(con, files)
            publish.source_rows(con)
            with profiling.phase("ingest.hash_wait"):
                known = hashes()
            publish.batches(con, files, known)
        written = expectations(con, as_of, folder)
        publish.load_stats(con)
    return written


def ingest_and_start_checks(
    con: duckdb.DuckDBPyConnection, inputs: dict[str, str], hashes: Callable[[], dict[str, str]]
) -> collect.Pending:
    """Ingest the extracts and start Great Expectations on their frames (helper process).

    `hashes` returns the input files' SHA-256 by path when the load batches are recorded (a file
    it does not name is hashed then).
    """
    as_of = datetime.now(UTC).replace(tzinfo=None)
    folder = frames.new_folder(con)
    try:
        written = ingest_extracts(con, inputs, hashes, as_of, folder)
    except BaseException:
        safe_io.remove_tree(folder)
        raise
    return collect.start(written, as_of, folder)


def ingest(s: Session) -> None:
    """Ingest the extracts (skipped when this load's ingest and checks are recorded).

    A database with a recorded load may resume it, so it waits for the input hashes first; a
    fresh one stages the extracts while they are hashed.
    """
    workers.warm("great_expectations")  # the helper imports GX while the extracts are staged
    codesets.ensure_codesets(s.con)
    hashing = start_hashing(s)
    recorded = fingerprint.recorded(s.con, "load")
    if recorded is not None:
        hashed(s, hashing)
        if recorded == s.load_fingerprint and collect.validated(s.con, recorded):
            s.skipped.append("ingest")
            return
    fingerprint.record(s.con, "load", None)
    s.quality = ingest_and_start_checks(s.con, s.cfg.inputs(), hashing.result)
    hashed(s, hashing)
    fingerprint.record(s.con, "load", s.load_fingerprint)


def install_policy(con: duckdb.DuckDBPyConnection, cfg: AuditConfig) -> policy.Policy:
    """Install the policy's parameters, the policy map and the audit period for this run."""
    pol = policy.load(cfg.policy_version)
    rows = policy_map.read(cfg.policy_map) if cfg.policy_map else []
    codesets.ensure_codesets(con)
    policy.install_library(con)
    policy.install(con, pol, cfg.run_id or "")
    policy_map.install(con, rows, pol.version)
    policy.install_period(con, cfg.period())
    return pol


def evaluate_key(s: Session) -> str:
    """Return the fingerprint of an evaluation: the load, the policy, its map and the period."""
    assert s.policy is not None
    policy_rows = s.con.execute("select * from policy_map order by all").fetchall()
    return fingerprint.combine(
        s.load_fingerprint,
        s.policy.version,
        sorted(s.policy.params.items()),
        policy.library_digest(),
        s.cfg.period(),
        [[str(v) for v in row] for row in policy_rows],
    )


def prepare_evaluation(s: Session) -> None:
    """Install the run's policy, its map and the period (before rules run, here or partitioned)."""
    s.policy = install_policy(s.con, s.cfg)


def evaluate(s: Session) -> None:
    """Build the facts and run every rule (skipped if done for this load and policy)."""
    prepare_evaluation(s)
    key = evaluate_key(s)
    if fingerprint.recorded(s.con, "evaluate") != key:
        fingerprint.record(s.con, "evaluate", None)
        with profiling.phase("evaluate.facts"):
            facts.build(s.con)
        with profiling.phase("evaluate.rules"):
            rules.evaluate_rules(s.con)
        fingerprint.record(s.con, "evaluate", key)
    else:
        s.skipped.append("evaluate")
    with profiling.phase("evaluate.findings"):
        rules.build_findings(s.con)


def finish_checks(s: Session) -> None:
    """Collect the suites started by ingest (if any) and record their results."""
    if s.quality is not None:
        collect.collect(s.con, s.quality, s.load_fingerprint)
        s.quality = None


def write(s: Session) -> None:
    """Write every output file once, atomically; collect the suites' results on the way.

    What depends on the evaluation alone (the tables, the workbook's table sheets) is written
    while the suites may still run in the helper; then their results are collected and the
    files that report them (validation results, dq_findings.csv, summary, report) follow.
    """
    cfg, run_id = s.cfg, s.cfg.run_id
    assert s.policy is not None and run_id is not None
    with profiling.phase("write.tables"):
        reports.prepare(s.con, cfg.out, cfg.mask_members)
        tables.write_tables(s.con, cfg.out)
    with profiling.phase("write.xlsx_sheets"):
        draft = reports.draft_workbook(s.con, cfg.out)
    charts = reports.start_charts(s.con)  # here while the suites still run, else in the helper
    finish_checks(s)
    with profiling.phase("write.validation_files"):
        _, data_docs = results.start_files(s.con, cfg.out, run_id)
    with profiling.phase("write.summary"):
        s.summary = tables.summary(
            s.con,
            {
                "run_id": cfg.run_id,
                "policy_version": s.policy.version,
                "policy_title": s.policy.title,
                "inputs": cfg.inputs(),
                "input_files": s.files,
                "period": cfg.period(),
                "database": str(cfg.db_path),
                "resumed_steps": s.skipped,
                "validation": collect.summary_dict(s.con),
            },
        )
    s.summary["timings_seconds"] = {k: round(v, 3) for k, v in s.timings.items()}
    s.summary["profile_seconds"] = profiling.seconds()
    tables.write_summary(cfg.out, s.summary)
    try:
        reports.write_reports(
            s.con, cfg.out, s.summary, cfg.mask_members, draft=draft, charts=charts
        )
    finally:
        masking.drop_id_map(s.con)  # the member-id map never outlives the exports
    data_docs()
    # Written again so the profile includes the reports (bench/ reads it).
    s.summary["profile_seconds"] = profiling.seconds()
    s.summary["process_peak_mib"] = workers.peak_mib()
    s.summary["helper_peak_mib"] = workers.helper_peak_mib()
    tables.write_summary(cfg.out, s.summary)
