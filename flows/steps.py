"""The audit flow's stage task and its error guard, shared by the one-process and partitioned runs.

Prefect keeps task and flow states (and their exceptions) on its server. An unexpected error's
text or traceback may quote input values (PHI), so tasks hand Prefect only its type and the step
(`StepFailed`); the one-sentence AuditError messages, which never quote values, pass as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from ino_audit.infra.errors import AuditError
from ino_audit.pipeline import STAGES, config, stages, timed

# Stages that touch files get retries; the core makes each of them safe to repeat.
RETRIES = {"ingest": 1, "write": 2}


T = TypeVar("T")


class StepFailed(AuditError):
    """An unexpected error of a step, reduced to its type and the step (its text may be PHI)."""


def type_and_step_only(step: str, fn: Callable[[], T]) -> T:
    """Return fn(); an unexpected error becomes StepFailed, without its message, traceback,
    cause or context (a context manager cannot drop the context: its exit runs while the
    original error is being handled)."""
    try:
        return fn()
    except AuditError:
        raise
    except Exception as e:
        failed = StepFailed(f"The {step} step stopped unexpectedly ({type(e).__name__}).")
    raise failed  # after the handler has finished: nothing chains to the original error


@task(cache_policy=NO_CACHE, retry_delay_seconds=5)
def run_stage(run_id: str, stage: str) -> float:
    """Run one stage of the pipeline on the session and return its wall time in seconds."""
    s = config.OPEN_SESSIONS[run_id]
    fn = {f.__name__: f for _, f in STAGES}.get(stage) or getattr(stages, stage)
    type_and_step_only(stage, lambda: timed(s, stage, fn))
    get_run_logger().info("%s finished in %.2f s", stage, s.timings[stage])
    return s.timings[stage]
