"""Command line: `ino-audit sample` and `ino-audit extrapolate` (contract §5).

`register` adds both commands to the main Typer app; `fail` is the app's one-sentence exit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ino_audit.infra.errors import AuditError

out = Console()
err = Console(stderr=True)
DATE = ["%Y-%m-%d"]
REPORT = typer.Option(
    True,
    "--report/--no-report",
    help="Refresh the audit's report.html when --out is a subfolder of the audit folder.",
)


def print_plan(plan: dict[str, Any], folder: Path) -> None:
    """Print the strata of a drawn sample."""
    from rich.table import Table

    table = Table(title=f"Sample of {plan['universe']['description']} (seed {plan['seed']})")
    for col in ("stratum", "paid from", "paid below", "frame", "sampled"):
        table.add_column(col, justify="right")
    for s in plan["strata"]:
        table.add_row(
            f"{s['stratum']}{' (certainty)' if s['certainty'] else ''}",
            "" if s["lower_bound"] is None else f"${s['lower_bound']:,.2f}",
            "" if s["upper_bound"] is None else f"${s['upper_bound']:,.2f}",
            f"{s['frame_size']:,}",
            f"{s['sample_size']:,}",
        )
    out.print(table)
    for w in plan["warnings"]:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)
    out.print(f"{plan['sample_size']:,} of {plan['frame_size']:,} claims drawn. Files in {folder}")


def print_result(result: dict[str, Any], folder: Path) -> None:
    """Print the extrapolated total and the two demand amounts."""
    o = result["overall"]
    out.print(
        f"Point estimate ${o['point_estimate']:,.2f} (standard error ${o['standard_error']:,.2f})."
    )
    for level, c in o["confidence"].items():
        out.print(f"  {level}% two-sided: ${c['lower']:,.2f} to ${c['upper']:,.2f}")
    out.print(f"Demand (CMS PIM, one-sided 90% lower): ${result['demand_amount_pim']:,.2f}")
    out.print(f"Demand (OIG CIA, two-sided 90% lower): ${result['demand_amount_cia']:,.2f}")
    for w in result["warnings"]:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)
    out.print(f"Files in {folder}")


def refresh(folder: Path) -> None:
    """Refresh the audit report that `folder` belongs to; say so, or why not, in one line."""
    from ino_audit.sampling.pages import audit_folder_of, refresh_report

    audit_dir = audit_folder_of(folder)
    if audit_dir is None:
        return
    try:
        out.print(f"Report refreshed: {refresh_report(audit_dir)}")
    except AuditError as e:
        err.print(f"[yellow]The report was not refreshed:[/] {e}", highlight=False)


def register(app: typer.Typer, fail: Callable[[str, bool], None]) -> None:
    """Add the sample and extrapolate commands to the app."""

    @app.command()
    def sample(
        audit_dir: Annotated[
            Path, typer.Option("--from", help="Output folder of ino-audit audit.")
        ],
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for the sample's files.")],
        seed: Annotated[
            int, typer.Option(help="Random seed; the same seed draws the same sample.")
        ],
        universe: Annotated[
            str, typer.Option(help="all, flagged (not supported) or one determination.")
        ] = "all",
        strata: Annotated[int, typer.Option(help="Strata by paid amount (1 = unrestricted).")] = 1,
        stratify: Annotated[
            str, typer.Option(help="Stratum boundaries: sqrt-f (cumulative √f) or equal-dollars.")
        ] = "sqrt-f",
        certainty_above: Annotated[
            float | None,
            typer.Option(help="Claims paid at or above this amount are all reviewed."),
        ] = None,
        allocation: Annotated[
            str, typer.Option(help="neyman (by paid-amount spread) or proportional.")
        ] = "neyman",
        size: Annotated[int | None, typer.Option(help="Sample size (sampled strata).")] = None,
        precision: Annotated[
            float | None, typer.Option(help="Target precision, % of the total (default 10).")
        ] = None,
        confidence: Annotated[
            float | None, typer.Option(help="Confidence for --precision, % (default 90).")
        ] = None,
        error_rate: Annotated[
            float | None, typer.Option(help="Sizing: expected share of claims wholly in error.")
        ] = None,
        expected_sd: Annotated[
            float | None, typer.Option(help="Sizing: expected std dev of overpayment per claim.")
        ] = None,
        expected_mean: Annotated[
            float | None, typer.Option(help="Sizing: expected mean overpayment per claim.")
        ] = None,
        paid_from: Annotated[
            datetime | None, typer.Option(formats=DATE, help="Claims paid on or after.")
        ] = None,
        paid_to: Annotated[
            datetime | None, typer.Option(formats=DATE, help="Claims paid on or before.")
        ] = None,
        service_from: Annotated[
            datetime | None, typer.Option(formats=DATE, help="Claims starting on or after.")
        ] = None,
        service_to: Annotated[
            datetime | None, typer.Option(formats=DATE, help="Claims starting on or before.")
        ] = None,
        report: bool = REPORT,
        debug: bool = typer.Option(False, "--debug", help="Show the traceback on failure."),
    ) -> None:
        """Draw a statistically valid random sample of an audit's claims (frame, sample, plan)."""
        parameters = dict(locals())  # first, before any other local: the options by name
        from ino_audit.sampling.config import sample_config_of
        from ino_audit.sampling.draw import run_sample

        cfg = sample_config_of(parameters)
        try:
            plan = run_sample(cfg)
        except AuditError as e:
            fail(str(e), debug)
        except Exception as e:
            fail(
                f"The sampling stopped unexpectedly ({type(e).__name__}); --debug says why.", debug
            )
        print_plan(plan, out_dir)
        if report:
            refresh(out_dir)

    @app.command()
    def extrapolate(
        frame: Annotated[Path, typer.Option(help="frame.csv written by ino-audit sample.")],
        results: Annotated[
            Path,
            typer.Option(
                help="Reviewed CSV (claim_id, overpayment or audited_amount), or the "
                "filled-in review_worksheet.xlsx."
            ),
        ],
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for extrapolation.json.")],
        report: bool = REPORT,
        debug: bool = typer.Option(False, "--debug", help="Show the traceback on failure."),
    ) -> None:
        """Project the reviewed sample's overpayments onto the frame; compute the demand."""
        from ino_audit.sampling.extrapolate import run_extrapolation

        try:
            result = run_extrapolation(frame, results, out_dir)
        except AuditError as e:
            fail(str(e), debug)
        except Exception as e:
            fail(
                f"The extrapolation stopped unexpectedly ({type(e).__name__}); --debug says why.",
                debug,
            )
        print_result(result, out_dir)
        if report:
            refresh(out_dir)
