"""The audit as one ordered pipeline: ingest, evaluate, write (see stages.py)."""

from ino_audit.pipeline.config import AuditConfig, AuditResult, Session, new_run_id, session
from ino_audit.pipeline.runs import STAGES, compare, result_of, run_audit, run_validation, timed

__all__ = [
    "STAGES",
    "AuditConfig",
    "AuditResult",
    "Session",
    "compare",
    "new_run_id",
    "result_of",
    "run_audit",
    "run_validation",
    "session",
    "timed",
]
