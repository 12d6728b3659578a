"""Command line: `ino-audit audit`, `ino-audit generate` (contract §4); review and recovery (§6)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ino_audit.infra.errors import AuditError
from ino_audit.outputs.console import print_audit_summary
from ino_audit.recovery.cli import register as register_recovery
from ino_audit.sampling.commands import register as register_sampling

app = typer.Typer(
    help="Audit paid inhaled nitric oxide (iNO) claims against clinical policy CP.MP.87.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


@app.callback()
def _owner_only() -> None:
    """Every file and folder a command creates is readable by its owner only (umask 077)."""
    os.umask(0o077)


out = Console()

DATE = ["%Y-%m-%d"]
DEBUG = typer.Option(False, "--debug", help="Show the full traceback when something fails.")
CHECK = typer.Option("--check", help="Validate a policy file: one sentence per problem, exit 2.")


def _fail(message: str, debug: bool) -> None:
    """Print one sentence to stderr (and the traceback with --debug) and exit 2."""
    if debug:
        err.print_exception()
    err.print(f"[bold red]ino-audit:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def audit(
    claims: Annotated[str, typer.Option(help="Claims extract: CSV or Parquet file, or a glob.")],
    encounters: Annotated[
        str, typer.Option(help="Encounters (iNO courses from the record): file or glob.")
    ],
    members: Annotated[str, typer.Option(help="Members extract (birth dates): file or glob.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for determinations, findings and reports.")
    ],
    policy_version: Annotated[
        str | None,
        typer.Option(help="Policy version to audit against (default: CP.MP.87 revision 05/20)."),
    ] = None,
    db: Annotated[
        Path | None, typer.Option(help="DuckDB database file (default: inside --out).")
    ] = None,
    threads: Annotated[int | None, typer.Option(help="DuckDB threads (default: all cores)")] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 4GB; spills to disk beyond.")
    ] = None,
    mask_members: Annotated[
        bool,
        typer.Option(
            "--mask-members",
            help="Replace member ids in every export with a keyed hash (MBR-...) and coarsen "
            "ages; the key comes from --mask-key-file or INO_AUDIT_MASK_KEY, never the database.",
        ),
    ] = False,
    mask_key_file: Annotated[
        Path | None,
        typer.Option(help="File holding the masking key (outside --out) for --mask-members."),
    ] = None,
    paid_from: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Audit claims paid on or after.")
    ] = None,
    paid_to: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Audit claims paid on or before.")
    ] = None,
    service_from: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Audit claims starting on or after.")
    ] = None,
    service_to: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Audit claims starting on or before.")
    ] = None,
    policy_map: Annotated[
        Path | None,
        typer.Option(
            help="CSV mapping line_of_business, state and dates to a policy version; each claim "
            "is judged by its member's mapped policy (unmapped: --policy-version).",
        ),
    ] = None,
    prefect: Annotated[
        bool,
        typer.Option(
            "--prefect",
            help="Run as the Prefect flow (default when PREFECT_API_URL is set; otherwise "
            "Prefect's temporary local server is started).",
        ),
    ] = False,
    partitions: Annotated[
        int, typer.Option(help="Evaluate rules as N member partitions (Prefect tasks on Dask).")
    ] = 1,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler for --partitions: local, or tcp://HOST:PORT."),
    ] = None,
    debug: bool = DEBUG,
) -> None:
    """Audit every iNO claim; write determinations, findings, quarantine and summary to --out."""
    from ino_audit.pipeline import AuditConfig, run_audit

    period = {
        "paid_from": paid_from,
        "paid_to": paid_to,
        "service_from": service_from,
        "service_to": service_to,
    }
    cfg = AuditConfig(
        claims,
        encounters,
        members,
        out_dir,
        db,
        policy_version,
        None,
        threads,
        memory_limit,
        mask_members=mask_members,
        mask_key_file=mask_key_file,
        policy_map=policy_map,
        **{k: v.date() if v else None for k, v in period.items()},
    )
    try:
        if partitions < 1:
            raise AuditError("--partitions must be at least 1.")
        if prefect or partitions > 1 or os.environ.get("PREFECT_API_URL"):
            # Before Prefect is first imported: it reads its settings once, on import.
            os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
            os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
            from flows.audit_claims import run_config

            with err.status("Running the audit-claims Prefect flow"):
                summary = run_config(cfg, partitions, dask_address or "local")
            print_audit_summary(summary, cfg.out, out)
            return
        with err.status("Starting audit") as status:
            result = run_audit(cfg, step=lambda s: status.update(s))
    except AuditError as e:
        _fail(str(e), debug)
    except Exception as e:
        # The error text may quote input values (PHI): only --debug shows it.
        _fail(f"The audit stopped unexpectedly ({type(e).__name__}); --debug shows why.", debug)
    print_audit_summary(result.summary, result.out, out)


@app.command("compare-policies")
def compare_policies(
    claims: Annotated[str, typer.Option(help="Claims extract: CSV or Parquet file, or a glob.")],
    encounters: Annotated[str, typer.Option(help="Encounters extract: file or glob.")],
    members: Annotated[str, typer.Option(help="Members extract: file or glob.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for policy_comparison.csv.")],
    other: Annotated[str, typer.Option(help="Policy version to compare against the base.")],
    base: Annotated[
        str | None, typer.Option(help="Base policy version (else the default).")
    ] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB database file.")] = None,
    debug: bool = DEBUG,
) -> None:
    """Audit the same claims under two policy versions; list claims whose outcome changes."""
    from ino_audit.pipeline import AuditConfig, compare

    cfg = AuditConfig(claims, encounters, members, out_dir, db)
    try:
        with err.status("Comparing policy versions"):
            result = compare(cfg, base, other)
    except AuditError as e:
        _fail(str(e), debug)
    out.print(
        f"{result.changed_claims:,} claims change from {result.base_version} to "
        f"{result.other_version}; dollars at risk change by ${result.dollar_effect:,.2f}. "
        f"Details: {result.path}"
    )


@app.command()
def serve(
    claims: Annotated[str, typer.Option(help="Claims extract path or glob (read at each run).")],
    encounters: Annotated[str, typer.Option(help="Encounters path or glob.")],
    members: Annotated[str, typer.Option(help="Members path or glob.")],
    out_root: Annotated[Path, typer.Option(help="Folder where each run writes paid-YYYY-MM/.")],
    cron: Annotated[
        str, typer.Option(help="Cron schedule (default: 06:00 on the 1st of each month).")
    ] = "0 6 1 * *",
    policy_version: Annotated[str | None, typer.Option(help="Policy version.")] = None,
    debug: bool = DEBUG,
) -> None:
    """Serve the audit flow on a schedule; each run audits the previous month's payments."""
    if not os.environ.get("PREFECT_API_URL"):
        _fail(
            "Scheduled runs need a Prefect server: start one with `make server` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api, then run serve again.",
            debug,
        )
    from prefect import serve as prefect_serve

    from flows.audit_claims import build_deployment

    deployment = build_deployment(claims, encounters, members, str(out_root), cron, policy_version)
    out.print(f"Serving audit-claims/{deployment.name} on '{cron}'. Stop with Ctrl+C.")
    prefect_serve(deployment)


@app.command("validate")
def validate_extract(
    claims: Annotated[str, typer.Option(help="Claims extract: CSV or Parquet file, or a glob.")],
    encounters: Annotated[str, typer.Option(help="Encounters extract: file or glob.")],
    members: Annotated[str, typer.Option(help="Members extract: file or glob.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for validation results and dq_findings.csv.")
    ],
    db: Annotated[
        Path | None, typer.Option(help="DuckDB database file (default: inside --out).")
    ] = None,
    debug: bool = DEBUG,
) -> None:
    """Load and check an extract with the Great Expectations suites, without auditing it."""
    from ino_audit.pipeline import run_validation
    from ino_audit.quality.results import print_summary

    inputs = {"claims": claims, "encounters": encounters, "members": members}
    try:
        with err.status("Loading and validating extracts"):
            summary = run_validation(inputs, out_dir, db)
    except AuditError as e:
        _fail(str(e), debug)
    except Exception as e:
        _fail(f"The validation stopped unexpectedly ({type(e).__name__}); --debug says why.", debug)
    print_summary(summary, out)


@app.command("policies")
def list_policies(check: Annotated[Path | None, CHECK] = None) -> None:
    """List the policy versions this installation can audit against, or check a policy file."""
    from ino_audit.engine import policy_check

    try:
        lines, problems = policy_check.listing(check)
    except AuditError as e:
        _fail(str(e), False)
    for console, text in [*((err, p) for p in problems), *((out, x) for x in lines)]:
        console.print(text, highlight=False, markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(2)


@app.command()
def generate(
    claim_lines: Annotated[int, typer.Option(help="Number of claim lines to generate.")] = 5000,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the extract into.")
    ] = Path("generated"),
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    debug: bool = DEBUG,
) -> None:
    """Generate a synthetic extract (claims, encounters, members) with expected determinations."""
    if fmt not in ("csv", "parquet"):
        _fail(f"--format must be csv or parquet, not {fmt}.", debug)
    if claim_lines < 1:
        _fail("--claim-lines must be at least 1.", debug)
    from ino_audit.devtools.generate import generate as run_generate

    try:
        with err.status(f"Generating {claim_lines:,} claim lines"):
            counts = run_generate(out_dir, claim_lines, fmt, seed)
    except AuditError as e:
        _fail(str(e), debug)
    out.print(", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" written to {out_dir}")


register_sampling(app, _fail)  # sample, extrapolate (contract §5)
# Review and recovery after the audit (contract §6): records-requests, review, recover.
register_recovery(app, _fail)


def main() -> None:
    """Entry point for `python -m ino_audit`."""
    app(prog_name="ino-audit")


if __name__ == "__main__":
    main()
