"""What an audit run is given (AuditConfig), holds while it runs (Session) and returns."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.engine import policy
from ino_audit.infra import safe_io
from ino_audit.infra.db import connect
from ino_audit.infra.errors import AuditError
from ino_audit.outputs import masking
from ino_audit.quality import collect, frames


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
    """One run's open database and what its stages have produced so far."""

    cfg: AuditConfig
    con: duckdb.DuckDBPyConnection
    policy: policy.Policy | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    load_fingerprint: str = ""
    skipped: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # The one thing in flight between stages: the suites that ingest started in the helper
    # process, collected when the outputs are written. Nothing they find changes the rules' input.
    quality: collect.Pending | None = None


# Open sessions by run id, for Prefect tasks that run in the flow's process and share its
# connection: an attribute of this module, which a task pickled for Dask refers to by name, so it
# never captures a connection.
OPEN_SESSIONS: dict[str, Session] = {}


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
def session(cfg: AuditConfig) -> Iterator[Session]:
    """Open the run's database and hold it and the output folder for the whole run.

    Files and folders are created owner-only (umask 077); a second run into the same output
    folder or database is refused. Temporary files and frames a killed run left are removed
    first; the masking key is read (never stored) and forgotten after.
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
        s = Session(cfg, con)
        try:
            frames.clear(cfg.db_path)  # the database lock is ours: no run uses them
            yield s
        finally:
            if s.quality is not None:  # a stage failed while the suites ran: drop their frames
                safe_io.remove_tree(s.quality.folder)
            masking.use_key(None)
            frames.clear(cfg.db_path)
            con.close()
            safe_io.clear_work_dir(cfg.out)
