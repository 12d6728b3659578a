"""The audit flow's partitioned evaluation: split by member, one Dask task per part, merge.

The partitions' Parquet files hold raw member ids and birth dates: they are removed after the
merge, also when a step fails, and before the split if a killed run left some.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect import get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from flows.steps import run_stage, type_and_step_only
from ino_audit.engine import partition
from ino_audit.infra import db, safe_io
from ino_audit.infra.profiling import phase
from ino_audit.pipeline import config

LOCAL_WORKERS = 2  # the local cluster's worker processes, one thread each


@task(cache_policy=NO_CACHE, name="split-partitions")
def split_partitions(run_id: str, partitions: int) -> list[str]:
    """Write each member partition's inputs as Parquet beside the run's outputs."""
    s = config.OPEN_SESSIONS[run_id]
    return type_and_step_only(
        "split-partitions",
        lambda: [str(p) for p in partition.split(s.con, partitions_root(run_id), partitions)],
    )


@task(cache_policy=NO_CACHE, name="evaluate-partition", retries=1, retry_delay_seconds=5)
def evaluate_partition(folder: str, memory_limit: str) -> str:
    """Evaluate one partition's member-local rules (runs on a Dask worker)."""
    with safe_io.owner_only():
        return type_and_step_only(
            "evaluate-partition",
            lambda: str(partition.evaluate_part(Path(folder), memory_limit)),
        )


@task(cache_policy=NO_CACHE, name="merge-partitions")
def merge_partitions(run_id: str, results: list[str]) -> None:
    """Union the partitions' results and run the provider rule and outputs on the whole."""
    s = config.OPEN_SESSIONS[run_id]
    type_and_step_only(
        "merge-partitions", lambda: partition.merge(s.con, [Path(r) for r in results])
    )


def partitions_root(run_id: str) -> Path:
    """Return the folder of the run's partitions (beside its outputs)."""
    return config.OPEN_SESSIONS[run_id].cfg.out / "partitions"


def evaluate_partitioned(run_id: str, partitions: int) -> None:
    """The evaluate stage as one task per member partition, then a merge; its parts are timed
    as `evaluate.*` phases and the whole as the evaluate stage."""
    s = config.OPEN_SESSIONS[run_id]
    root = partitions_root(run_id)
    partition.remove(root)
    started = time.perf_counter()
    run_stage.with_options(name="install-policy")(run_id, "prepare_evaluation")
    try:
        with phase("evaluate.split_partitions"):
            folders = split_partitions(run_id, partitions)
        limit = unmapped(part_memory_limit(s.cfg.memory_limit))
        with phase("evaluate.partitions"), workers_share_api():
            results = [f.result() for f in evaluate_partition.map(folders, limit)]
        with phase("evaluate.merge_partitions"):
            merge_partitions(run_id, results)
    finally:
        partition.remove(root)
    s.timings["evaluate"] = time.perf_counter() - started


def part_memory_limit(memory_limit: str | None) -> str:
    """Return each part's memory limit: the local workers share the audit's limit; a remote
    scheduler's worker has its machine to itself and takes the whole limit."""
    return db.share(memory_limit, 1 if remote_scheduler() else LOCAL_WORKERS)


def remote_scheduler() -> str | None:
    """Return the address of the flow's remote Dask scheduler, None for a local cluster."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return getattr(ctx.task_runner if ctx else None, "address", None)


def dask_task_runner(address: str):
    """Return a Dask task runner: a local cluster for `local`, else the scheduler address."""
    from prefect_dask import DaskTaskRunner

    if address == "local":
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": LOCAL_WORKERS, "threads_per_worker": 1, "processes": True}
        )
    return DaskTaskRunner(address=address)


@contextmanager
def workers_share_api() -> Iterator[None]:
    """Give the flow and the workers of its local Dask cluster one Prefect API.

    With no PREFECT_API_URL, the flow runs on Prefect's temporary server, whose address the
    workers do not know: each worker process would start a temporary server of its own
    (measured: about 10 s each at its first task, on the cores the audit uses) and record its
    task runs there instead of beside the flow's. Tasks submitted inside this block carry the
    URL of the flow's server in their settings. A configured API is left as it is, and so are
    the workers of a remote scheduler (the temporary server listens on loopback only).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    remote = remote_scheduler()
    if remote and not PREFECT_API_URL.value():
        get_run_logger().warning(
            "The Dask workers at %s are given no Prefect API (PREFECT_API_URL is not set): "
            "each starts a temporary server of its own and records its partition tasks "
            "there. Set PREFECT_API_URL to a server they can reach.",
            remote,
        )
    if PREFECT_API_URL.value() or remote:
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the flow's own temporary server: already running
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield
