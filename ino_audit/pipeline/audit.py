"""The audit as importable steps over one database session; the CLI and Prefect flow call them.

`run_audit` runs the steps in-process. The Prefect flow (flows/audit_claims.py) runs the same
step functions as tasks, so both paths give identical outputs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.engine import codesets, policy, policy_map
from ino_audit.engine import evaluate as engine
from ino_audit.infra import fingerprint, profiling, safe_io, workers
from ino_audit.infra.db import connect, transaction
from ino_audit.infra.errors import AuditError
from ino_audit.ingest import load, sources
from ino_audit.outputs import masking
from ino_audit.outputs import tables as outputs
from ino_audit.quality import validate

Say = Callable[[str], None]
# Open sessions by run id, for Prefect tasks that run in the flow's process and share its
# connection (a module attribute, so pickling a task for Dask never captures a connection).
OPEN_SESSIONS: dict[str, Session] = {}


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
    paid_from: date | None = None
    paid_to: date | None = None
    service_from: date | None = None
    service_to: date | None = None
    mask_members: bool = False
    policy_map: Path | None = None  # contract §7: policy version by line of business and state
    mask_key_file: Path | None = None  # the masking key, outside out (else INO_AUDIT_MASK_KEY)

    @property
    def db_path(self) -> Path:
        """Return the database file: --db, else ino_audit.duckdb in the output folder."""
        return self.db or self.out / "ino_audit.duckdb"

    def period(self) -> dict[str, str | None]:
        """Return the audit period bounds as ISO dates (None = open)."""
        bounds = ("paid_from", "paid_to", "service_from", "service_to")
        return {b: (getattr(self, b).isoformat() if getattr(self, b) else None) for b in bounds}

    def inputs(self) -> dict[str, str]:
        """Return the input paths by source."""
        return {"claims": self.claims, "encounters": self.encounters, "members": self.members}


@dataclass
class Session:
    """One audit run's open database and what its steps have produced so far."""

    cfg: AuditConfig
    con: duckdb.DuckDBPyConnection
    policy: policy.Policy | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    load_fingerprint: str = ""
    skipped: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    validation: validate.Pending | None = None  # suites started beside the rules
    data_docs: validate.DocsWait | None = None  # Data Docs rendering beside the outputs
    workbook: Any = None  # cases.xlsx with its table sheets written (excel.Draft)
    charts: Any = None  # the report's charts being drawn in the helper (wait function)


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


@contextmanager
def session(cfg: AuditConfig):
    """Open the run's database and hold it and the output folder for the whole run.

    Files and folders are created owner-only (umask 077); a second run into the same output
    folder or database is refused. Temporary files and helper frames a killed run left are
    removed first; the masking key is read (never stored) and forgotten after.
    """
    cfg.run_id = cfg.run_id or new_run_id()
    with safe_io.owner_only(), safe_io.lock_folder(cfg.out):
        safe_io.clear_work_dir(cfg.out)
        if cfg.db is None and cfg.db_path.is_symlink():
            raise AuditError(
                f"The database {cfg.db_path} is a symbolic link; remove it or give --db."
            )
        masking.use_key(masking.load_key(cfg.mask_key_file, cfg.out) if cfg.mask_members else None)
        con = connect(cfg.db_path, cfg.threads, cfg.memory_limit)
        try:
            validate.clear_frames(cfg.db_path)  # the database lock is ours: no run uses them
            yield Session(cfg, con)
        finally:
            masking.use_key(None)
            validate.clear_frames(cfg.db_path)
            con.close()
            safe_io.clear_work_dir(cfg.out)


def prepare(con: duckdb.DuckDBPyConnection, cfg: AuditConfig) -> policy.Policy:
    """Install code sets, the policy's parameters and the policy map for this run."""
    pol = policy.load(cfg.policy_version)
    rows = policy_map.read(cfg.policy_map) if cfg.policy_map else []
    codesets.ensure_codesets(con)
    policy.install(con, pol, cfg.run_id or "")
    policy_map.install(con, rows, pol.version)
    policy.install_period(con, cfg.period())
    return pol


def step_prepare(s: Session) -> None:
    """Install code sets and policy parameters."""
    # The helper process starts importing Great Expectations now, beside the load; it validates
    # while the rules run (step_evaluate, step_validate).
    workers.warm("great_expectations")
    s.policy = prepare(s.con, s.cfg)


def step_fingerprint(s: Session) -> None:
    """Resolve the input files and hash their content."""
    s.files = [
        {
            "source": source,
            "path": str(path),
            "bytes": path.stat().st_size,
            "sha256": fingerprint.file_sha256(path),
        }
        for source, pattern in s.cfg.inputs().items()
        for path in sources.resolve(source, pattern)
    ]
    # Paths count too: quarantine.csv and dq_findings.csv name the file each row came from.
    s.load_fingerprint = fingerprint.combine(
        fingerprint.code_version(), *((f["path"], f["sha256"]) for f in s.files)
    )


def step_load(s: Session) -> None:
    """Load the three extracts, quarantining what cannot be loaded (skipped if already loaded)."""
    if fingerprint.recorded(s.con, "load") == s.load_fingerprint:
        s.skipped.append("load")
        return
    fingerprint.record(s.con, "load", None)
    fingerprint.record(s.con, "evaluate", None)
    # Great Expectations runs beside the rules (step_evaluate, step_validate).
    load.load(s.con, s.cfg.inputs(), {f["path"]: f["sha256"] for f in s.files}, validate=False)
    fingerprint.record(s.con, "load", s.load_fingerprint)


def step_evaluate(s: Session) -> None:
    """Build derived facts and run every rule (skipped if done for this load and policy)."""
    assert s.policy is not None
    if s.validation is None:
        # Great Expectations starts on the loaded tables in the helper process; rules run here.
        s.validation = validate.start(s.con)
    policy_rows = s.con.execute("select * from policy_map order by all").fetchall()
    key = fingerprint.combine(
        s.load_fingerprint,
        s.policy.version,
        sorted(s.policy.params.items()),
        s.cfg.period(),
        [[str(v) for v in row] for row in policy_rows],
    )
    if fingerprint.recorded(s.con, "evaluate") != key:
        fingerprint.record(s.con, "evaluate", None)
        with profiling.phase("evaluate.facts"):
            engine.build_facts(s.con)
        with profiling.phase("evaluate.rules"):
            engine.evaluate_rules(s.con)
        fingerprint.record(s.con, "evaluate", key)
    else:
        s.skipped.append("evaluate")
    with profiling.phase("evaluate.outputs"):
        engine.build_outputs(s.con)


def step_validate(s: Session) -> None:
    """Run the Great Expectations suites if needed, then write their results and Data Docs.

    The suites start in a helper process when the rules start (step_evaluate), so GX runs beside
    the rules' DuckDB work; here their results are applied. A row
    failing a blocking expectation is quarantined and leaves its table; the rules then run again
    on what remains (the evaluate fingerprint is cleared in the same transaction, so a run killed
    before the second evaluation redoes it).
    """
    assert s.cfg.run_id is not None
    pending, s.validation = s.validation, None
    if pending is not None:
        # While the helper validates (and then draws the report's charts), this process writes
        # the workbook's table sheets, on the determinations evaluated so far.
        with profiling.phase("validate.draft_workbook"):
            from ino_audit.outputs.reports import start_reports  # matplotlib loads only for reports

            s.workbook, s.charts = start_reports(s.con, s.cfg.out, s.cfg.mask_members)
    with transaction(s.con):
        quarantined = validate.check_if_needed(s.con, pending)
        if quarantined:
            fingerprint.record(s.con, "evaluate", None)
    if quarantined:
        s.workbook = s.charts = None  # drawn on determinations that are about to change
        step_evaluate(s)
    # The Data Docs render in the helper process while the outputs are written (step_write).
    with profiling.phase("validate.results_files"):
        _, s.data_docs = validate.start_files(s.con, s.cfg.out, s.cfg.run_id)


def step_write(s: Session) -> None:
    """Write the contract's output files and the run summary.

    Every export is written once, from the export views (masked when asked), atomically.
    """
    with profiling.phase("write.tables"):
        masking.prepare_exports(s.con, s.cfg.mask_members)
        outputs.write_tables(s.con, s.cfg.out)
    assert s.policy is not None
    with profiling.phase("write.summary"):
        s.summary = outputs.summary(
            s.con,
            {
                "run_id": s.cfg.run_id,
                "policy_version": s.policy.version,
                "policy_title": s.policy.title,
                "inputs": s.cfg.inputs(),
                "input_files": s.files,
                "period": s.cfg.period(),
                "database": str(s.cfg.db_path),
                "resumed_steps": s.skipped,
                "validation": validate.summary_dict(s.con),
            },
        )
    s.summary["timings_seconds"] = {k: round(v, 3) for k, v in s.timings.items()}
    s.summary["profile_seconds"] = profiling.seconds()
    outputs.write_summary(s.cfg.out, s.summary)
    with profiling.phase("write.import_reports"):
        from ino_audit.outputs.reports import write_reports  # matplotlib loads only for reports

    draft, charts, s.workbook, s.charts = s.workbook, s.charts, None, None
    try:
        write_reports(
            s.con,
            s.cfg.out,
            s.summary,
            mask_members=s.cfg.mask_members,
            draft=draft,
            charts=charts,
        )
    finally:
        masking.drop_id_map(s.con)  # the member-id map never outlives the exports
    if s.data_docs is not None:
        s.data_docs()
        s.data_docs = None
    # Written again so the profile includes the reports (bench/ reads it).
    s.summary["profile_seconds"] = profiling.seconds()
    s.summary["process_peak_mib"] = workers.peak_mib()
    s.summary["helper_peak_mib"] = workers.helper_peak_mib()
    outputs.write_summary(s.cfg.out, s.summary)


# (label shown to the user, step) in run order; the Prefect flow runs the same list as tasks.
STEPS: list[tuple[str, Callable[[Session], None]]] = [
    ("Preparing code sets and policy", step_prepare),
    ("Hashing input files", step_fingerprint),
    ("Loading extracts", step_load),
    ("Evaluating CP.MP.87 rules", step_evaluate),
    ("Validating extracts (Great Expectations)", step_validate),
    ("Writing outputs", step_write),
]


def timed(s: Session, name: str, fn: Callable[[Session], None]) -> None:
    """Run one step and record its wall time in the session."""
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
        for label, fn in STEPS:
            say(label)
            timed(s, fn.__name__.removeprefix("step_"), fn)
        return result_of(s)
