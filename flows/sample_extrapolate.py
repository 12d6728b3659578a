"""Prefect flow `sample-and-extrapolate`: a statistically valid sample of an audit's claims,
then, once the sampled records are reviewed, the overpayment extrapolated to the universe.

A thin outline over `ino_audit.sampling`: the first run draws the sample into `out` (frame,
sample, plan and the reviewers' worksheet); reviewers fill in the worksheet; a second run with
`reviewed=` extrapolates from the frame already in `out` (it draws nothing new, so the sample
under review never changes). Each run refreshes the audit's report when `out` is a subfolder of
the audit folder, and publishes the plan and the demand amounts as artifacts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from ino_audit.infra.errors import AuditError
from ino_audit.sampling import pages
from ino_audit.sampling.config import SampleConfig, sample_config_of
from ino_audit.sampling.draw import FILES, run_sample
from ino_audit.sampling.extrapolate import run_extrapolation


@task(cache_policy=NO_CACHE, name="draw-sample")
def draw_sample(cfg: SampleConfig) -> dict[str, Any]:
    """Draw the sample and write frame.csv, sample.csv, the plan and the worksheet."""
    plan = run_sample(cfg)
    get_run_logger().info("%s of %s claims drawn", plan["sample_size"], plan["frame_size"])
    return plan


@task(cache_policy=NO_CACHE, name="extrapolate")
def extrapolate_sample(frame: str, reviewed: str, out: str) -> dict[str, Any]:
    """Extrapolate the reviewed sample onto the frame; write extrapolation.json and .html."""
    return run_extrapolation(Path(frame), Path(reviewed), Path(out))


@task(cache_policy=NO_CACHE, name="refresh-report")
def refresh_report(out: str) -> str | None:
    """Render the audit's report.html again with its sampling section, when `out` is inside."""
    audit_dir = pages.audit_folder_of(Path(out))
    if audit_dir is None:
        return None
    try:
        return str(pages.refresh_report(audit_dir))
    except AuditError as e:
        get_run_logger().warning("The report was not refreshed: %s", e)
        return None


@task(cache_policy=NO_CACHE)
def publish(plan: dict[str, Any] | None, result: dict[str, Any] | None) -> None:
    """Publish the design and, once extrapolated, the demand amounts as a markdown artifact."""
    lines = ["# iNO audit sample"]
    if plan:
        lines += [
            f"Seed **{plan['seed']}**; {plan['sample_size']:,} of {plan['frame_size']:,} claims "
            f"of {plan['universe']['description']}.",
            "",
            "| stratum | frame | sampled |",
            "|---|---:|---:|",
            *(
                f"| {s['stratum']} | {s['frame_size']:,} | {s['sample_size']:,} |"
                for s in plan["strata"]
            ),
        ]
    if result:
        lines += [
            "",
            f"Point estimate ${result['overall']['point_estimate']:,.2f}.",
            f"Demand (CMS PIM): **${result['demand_amount_pim']:,.2f}**; "
            f"demand (OIG CIA): **${result['demand_amount_cia']:,.2f}**.",
            *(f"- {w}" for w in result["warnings"]),
        ]
    create_markdown_artifact(
        "\n".join(lines), key="ino-audit-sample", description="Sample and extrapolation"
    )


@flow(name="sample-and-extrapolate", log_prints=False)
def sample_and_extrapolate(
    audit_dir: str,
    out: str,
    seed: int,
    universe: str = "all",
    strata: int = 1,
    stratify: str = "sqrt-f",
    certainty_above: float | None = None,
    allocation: str = "neyman",
    size: int | None = None,
    precision: float | None = None,
    confidence: float | None = None,
    error_rate: float | None = None,
    expected_sd: float | None = None,
    expected_mean: float | None = None,
    paid_from: date | None = None,
    paid_to: date | None = None,
    service_from: date | None = None,
    service_to: date | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    """Draw the sample (first run) or extrapolate the reviewed sample (run with `reviewed`)."""
    parameters = dict(locals())  # first, before any other local: the parameters by name
    out_dir = Path(out)
    plan = result = None
    if reviewed is None or not (out_dir / FILES["frame"]).is_file():
        cfg = sample_config_of(parameters)
        plan = draw_sample(cfg)
    if reviewed is not None:
        result = extrapolate_sample(str(out_dir / FILES["frame"]), reviewed, out)
    refresh_report(out)
    publish(plan, result)
    return {"plan": plan, "extrapolation": result}


if __name__ == "__main__":
    import sys

    audit = sys.argv[1] if len(sys.argv) > 1 else "out/sample"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    sample_and_extrapolate(audit, str(Path(audit) / "sampling"), seed=seed)
