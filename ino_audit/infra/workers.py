"""A helper process for Python-heavy work (GX suites, charts, Data Docs) beside DuckDB here.

DuckDB's Python client takes the GIL from time to time while a query runs, so a Python thread
next to it slows the query about as much as it gains; a separate process does not. The helper is
started on first use (spawn, so it never inherits DuckDB's threads), kept for the life of the
process (tests and reruns pay its start-up once), and given work as plain files and values.
Set INO_AUDIT_WORKERS=0 to do everything in-process; a helper that dies is replaced by
in-process work, never by a failed audit. Every wait on the helper is bounded
(INO_AUDIT_HELPER_TIMEOUT seconds, default 600): a helper that does not answer in time (frozen,
stopped, swapping) is killed, the work runs in-process, and a warning line says so.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from typing import Any, TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_submitted: list[Future] = []  # work handed to the helper, for busy()
NICENESS = 10
TIMEOUT_ENV = "INO_AUDIT_HELPER_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 600.0
log = logging.getLogger("ino_audit.infra.workers")


def enabled() -> bool:
    """Whether helper processes may be used (INO_AUDIT_WORKERS is not 0)."""
    return os.environ.get("INO_AUDIT_WORKERS", "1").strip() != "0"


def _follow_parent(parent: int) -> None:
    """Exit the helper as soon as the process that started it is gone (even if killed)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _init_helper(parent: int) -> None:
    """Set up the helper: no inherited standard streams, lower priority, dies with its parent.

    A killed audit must not leave a helper behind that holds its output pipes open (a caller
    reading them would wait forever); results and errors travel back through the pool.
    """
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    # The audit's own process is the critical path: the helper takes the CPU it leaves idle.
    os.nice(NICENESS)
    # Its work is all handed back through the pool; at shutdown it leaves at once instead of
    # tearing down pandas and GX module by module (the audit would wait for that).
    atexit.register(os._exit, 0)
    threading.Thread(target=_follow_parent, args=(parent,), daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    """Return the helper pool, creating it on first use."""
    global _pool
    if _pool is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_helper,
            initargs=(os.getpid(),),
        )
    return _pool


def timeout_seconds() -> float:
    """Return how long to wait for the helper (INO_AUDIT_HELPER_TIMEOUT, default 600 s)."""
    try:
        return max(float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS)), 0.1)
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


def _kill() -> None:
    """Kill the helper process (SIGKILL ends a stopped process too) and forget its pool."""
    if _pool is not None:
        for process in list((_pool._processes or {}).values()):
            process.kill()
    _discard()


def _discard() -> None:
    """Forget a pool that failed; the next use starts a new one."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool = None


def _import(name: str) -> None:
    """Import a module in the helper (it stays imported there)."""
    importlib.import_module(name)


def busy() -> bool:
    """Whether the helper still has work to finish (this process would wait for it)."""
    return any(not f.done() for f in _submitted)


def warm(module: str) -> None:
    """Start importing a module in the helper now, so it is ready when work arrives."""
    submit(_import, module)


def _broken(e: BaseException) -> bool:
    """Whether an error means the helper itself failed (not the work it ran).

    Work still queued on a helper that was killed for not answering is cancelled.
    """
    from concurrent.futures import CancelledError
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(e, BrokenProcessPool | OSError | EOFError | CancelledError)


def submit(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start fn(*args) in the helper; return a function that waits for and returns its result.

    Without a helper (or when it dies) the work runs in-process when the result is asked for.
    """
    future = None
    if enabled():
        try:
            future = _executor().submit(fn, *args)
            _submitted[:] = [f for f in _submitted if not f.done()] + [future]
        except Exception as e:
            if not _broken(e) and not isinstance(e, RuntimeError):
                raise
            _discard()

    def result() -> T:
        if future is not None:
            wait = timeout_seconds()
            try:
                return future.result(timeout=wait)
            except WaitTimeout:
                log.warning(
                    "The helper process did not answer within %g s; it was stopped and its work "
                    "(%s) runs in this process.",
                    wait,
                    getattr(fn, "__name__", "work"),
                )
                _kill()
            except Exception as e:
                if not _broken(e):
                    raise
                _discard()
        return fn(*args)

    return result


def peak_mib() -> float:
    """Return this process's peak resident memory in MiB (Linux reports KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def helper_peak_mib() -> float | None:
    """Return the helper's peak resident memory in MiB, or None when no helper ran."""
    if _pool is None:
        return None
    try:
        return _pool.submit(peak_mib).result(timeout=30)
    except Exception:  # a report figure, never a reason to fail
        return None


def call(fn: Callable[..., T], *args: Any) -> T:
    """Run fn(*args) in the helper and return its result; in-process when there is no helper."""
    return submit(fn, *args)()
