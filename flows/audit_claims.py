"""Prefect flow `audit-claims`: the scheduled retrospective audit of iNO claims (CP.MP.87).

The flow reads like the pipeline (ino_audit/pipeline/stages.py): tasks `ingest`, `evaluate`
(or, partitioned, `split-partitions`, `evaluate-partition` per part and `merge-partitions`) and
`write` run the same stage functions as `ino-audit audit`, on one database session, so both give
identical outputs. Finished stages are not redone on a rerun: the core records each stage's
content fingerprint (input SHA-256 and code version) in the database.
Run it as a script, through `ino-audit audit --prefect`, or serve it on a schedule
(`ino-audit serve`, or `prefect deploy` with prefect.yaml).
The stage task and its PHI-safe error guard are in flows/steps.py, the partitioned evaluation
in flows/partitioned.py.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.partitioned import dask_task_runner, evaluate_partitioned
from flows.steps import RETRIES, run_stage
from ino_audit.infra import periods
from ino_audit.pipeline import STAGES, AuditConfig, config, result_of, session, stages


@task(cache_policy=NO_CACHE)
def publish_artifacts(summary: dict[str, Any], out: str) -> None:
    """Publish the run summary, determinations by count and dollars, and the report link."""
    dets = summary["determinations"]
    lines = [
        f"# iNO audit {summary['run_id']}",
        f"Policy **{summary['policy_version']}**; {summary['ino_claims']:,} iNO claims.",
        f"Paid ${summary['paid_amount']}; at risk **${summary['amount_at_risk']}**.",
        "",
        "| source | input | loaded | quarantined |",
        "|---|---:|---:|---:|",
        *(
            f"| {s} | {summary[s]['input_rows']:,} | {summary[s]['loaded_rows']:,} | "
            f"{summary[s]['quarantined_rows']:,} |"
            for s in ("claims", "encounters", "members")
        ),
    ]
    create_markdown_artifact("\n".join(lines), key="ino-audit-summary", description="Run summary")
    create_table_artifact(
        [{"determination": k, "claims": v} for k, v in dets.items()],
        key="ino-audit-determinations",
        description="Claims per determination",
    )
    report = Path(out) / "report.html"
    if report.exists():
        create_link_artifact(report.resolve().as_uri(), key="ino-audit-report", link_text="report")


@flow(name="audit-claims", log_prints=False)
def audit_claims(
    claims: str,
    encounters: str,
    members: str,
    out: str,
    policy_version: str | None = None,
    db: str | None = None,
    run_id: str | None = None,
    paid_from: date | None = None,
    paid_to: date | None = None,
    service_from: date | None = None,
    service_to: date | None = None,
    period: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    partitions: int = 1,
    mask_members: bool = False,
    policy_map: str | None = None,
    mask_key_file: str | None = None,
) -> dict[str, Any]:
    """Audit every iNO claim of an extract against CP.MP.87 and write the outputs.

    With `partitions` > 1, rule evaluation runs as one task per member partition on the flow's
    task runner (Dask with `ino-audit audit --partitions N --dask-address ...`).
    `period="previous-month"` audits the calendar month before the run's scheduled time by
    paid date, into `<out>/paid-YYYY-MM/` with its own database, so periods never overwrite.
    """
    out_dir = Path(out)
    if period:
        paid_from, paid_to, label = periods.resolve(period, _scheduled_date())
        out_dir = out_dir / label
    cfg = AuditConfig(
        claims,
        encounters,
        members,
        out_dir,
        Path(db) if db else None,
        policy_version,
        run_id,
        threads,
        memory_limit,
        mask_members=mask_members,
        policy_map=Path(policy_map) if policy_map else None,
        mask_key_file=Path(mask_key_file) if mask_key_file else None,
        paid_from=paid_from,
        paid_to=paid_to,
        service_from=service_from,
        service_to=service_to,
    )
    with session(cfg) as s:
        assert cfg.run_id is not None  # session() sets it
        config.OPEN_SESSIONS[cfg.run_id] = s
        try:
            for _, fn in STAGES:
                if fn is stages.evaluate and partitions > 1:
                    evaluate_partitioned(cfg.run_id, partitions)
                    continue
                run_stage.with_options(name=fn.__name__, retries=RETRIES.get(fn.__name__, 0))(
                    cfg.run_id, fn.__name__
                )
        finally:
            config.OPEN_SESSIONS.pop(cfg.run_id, None)
        result = result_of(s)
    publish_artifacts(result.summary, str(out_dir))
    return result.summary


def run_config(
    cfg: AuditConfig, partitions: int = 1, dask_address: str = "local"
) -> dict[str, Any]:
    """Run the audit as the Prefect flow with the same configuration; return its summary."""
    run = audit_claims
    if partitions > 1:
        run = audit_claims.with_options(task_runner=dask_task_runner(dask_address))
    return run(
        cfg.claims,
        cfg.encounters,
        cfg.members,
        str(cfg.out),
        policy_version=cfg.policy_version,
        db=str(cfg.db) if cfg.db else None,
        threads=cfg.threads,
        memory_limit=cfg.memory_limit,
        partitions=partitions,
        mask_members=cfg.mask_members,
        policy_map=str(cfg.policy_map) if cfg.policy_map else None,
        mask_key_file=str(cfg.mask_key_file) if cfg.mask_key_file else None,
        paid_from=cfg.paid_from,
        paid_to=cfg.paid_to,
        service_from=cfg.service_from,
        service_to=cfg.service_to,
    )


DEFAULT_CRON = "0 6 1 * *"  # 06:00 on the 1st: audit the previous month's payments


def build_deployment(
    claims: str,
    encounters: str,
    members: str,
    out_root: str,
    cron: str = DEFAULT_CRON,
    policy_version: str | None = None,
    name: str = "monthly-ino-audit",
):
    """Return the scheduled deployment: each run audits the previous month into its own folder."""
    parameters = {
        "claims": claims,
        "encounters": encounters,
        "members": members,
        "out": out_root,
        "period": "previous-month",
    }
    if policy_version:
        parameters["policy_version"] = policy_version
    return audit_claims.to_deployment(
        name=name,
        cron=cron,
        parameters=parameters,
        description="Monthly retrospective audit of iNO claims against CP.MP.87.",
        tags=["ino-audit", "payment-integrity"],
    )


def _scheduled_date() -> date:
    """Return the date this flow run was scheduled for (today when run by hand)."""
    from prefect.runtime import flow_run

    scheduled = flow_run.scheduled_start_time
    return scheduled.date() if isinstance(scheduled, datetime) else date.today()


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parent.parent / "data_samples"
    audit_claims(
        str(root / "claims.csv"),
        str(root / "encounters.csv"),
        str(root / "members.csv"),
        sys.argv[1] if len(sys.argv) > 1 else "out/flow",
    )
