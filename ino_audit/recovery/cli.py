"""Commands after the audit (docs/contract.md §6): records-requests, review import/status, recover.

`register` adds them to the main Typer app; each opens the audit folder's database, so each
runs alone, in any order, as often as needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ino_audit.infra.errors import AuditError

Fail = Callable[[str, bool], None]
DATE = ["%Y-%m-%d"]
FROM = typer.Option("--from", help="Output folder of an audit (holds ino_audit.duckdb).")
AS_OF = typer.Option(
    "--as-of", formats=DATE, help="Date of the letters and look-back check (default: today)."
)
LOOKBACK = typer.Option(help="Recovery look-back table (default: rules/recovery_lookback.csv).")
PLAN = typer.Option(help="Plan settings for letters (default: config/plan.toml).")
TEMPLATE = typer.Option(help="Jinja2 HTML letter template replacing the shipped one.")
MASK = typer.Option("--mask-members", help="Mask member ids a template shows (keyed hash).")
DEBUG = typer.Option(False, "--debug", help="Show the full traceback when something fails.")

out = Console(soft_wrap=True)  # sentences stay whole (tables still fit the width)
review_app = typer.Typer(
    help="Reviewer decisions: import them (cases.xlsx or CSV) and see the queue.",
    no_args_is_help=True,
)


@contextmanager
def guarded(fail: Fail, debug: bool, what: str) -> Iterator[None]:
    """Turn any failure into one sentence (and exit 2), with the traceback under --debug."""
    try:
        yield
    except AuditError as e:
        fail(str(e), debug)
    except typer.Exit:
        raise
    except Exception as e:
        fail(f"{what} stopped unexpectedly ({type(e).__name__}); --debug shows why.", debug)


def day(value: datetime | None) -> date:
    """Return an option's date, today when not given."""
    return value.date() if value else date.today()


def print_import(result, console: Console) -> None:
    """Print what an import did, the refused rows with their reasons, and the conflicts."""
    console.print(
        f"{result.source.name}: {result.rows_with_decisions:,} rows with decisions; "
        f"{result.appended:,} recorded, {result.unchanged:,} already recorded, "
        f"{len(result.refused):,} refused, {len(result.conflicts):,} conflicting."
    )
    for title, items in (("Refused", result.refused), ("Conflicting (kept)", result.conflicts)):
        for row, claim, reason in items:
            console.print(f"{title}: {result.row_word} {row}, claim {claim or '?'}: {reason}.")


def register(app: typer.Typer, fail: Fail) -> None:
    """Add records-requests, review (import, status) and recover to the main app."""

    @app.command("records-requests")
    def records_requests_command(
        audit_dir: Annotated[Path, FROM],
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for the requests.")],
        records_due_days: Annotated[
            int, typer.Option(help="Days the provider has to send the records.")
        ] = 45,
        as_of: Annotated[datetime | None, AS_OF] = None,
        plan_config: Annotated[Path | None, PLAN] = None,
        template: Annotated[Path | None, TEMPLATE] = None,
        lookback: Annotated[Path | None, LOOKBACK] = None,
        mask_members: Annotated[bool, MASK] = False,
        debug: bool = DEBUG,
    ) -> None:
        """Request records for claims lacking documentation: letters per provider + tracking."""
        from ino_audit.outputs.review_store import open_audit
        from ino_audit.recovery.requests import records_requests

        with guarded(fail, debug, "records-requests"):
            if records_due_days < 1:
                raise AuditError("--records-due-days must be at least 1.")
            with open_audit(audit_dir, day(as_of), lookback) as con:
                r = records_requests(
                    con,
                    out_dir,
                    day(as_of),
                    records_due_days,
                    plan_config,
                    template,
                    mask_members,
                )
            states = ", ".join(f"{k} {v:,}" for k, v in sorted(r.by_status.items())) or "none"
            out.print(
                f"{r.issued:,} new records requests; requests by status: {states}. "
                f"{len(r.letters):,} letters and records_requests.csv in {out_dir}"
            )

    @review_app.command("import")
    def review_import(
        file: Annotated[Path, typer.Argument(help="Filled cases.xlsx, or a review CSV.")],
        audit_dir: Annotated[Path, FROM],
        debug: bool = DEBUG,
    ) -> None:
        """Append reviewers' decisions; refuse bad rows with reasons; re-importing is a no-op."""
        from ino_audit.outputs.review_store import open_audit
        from ino_audit.recovery.review import export_trail, import_decisions

        with guarded(fail, debug, "The review import"), open_audit(audit_dir) as con:
            print_import(import_decisions(con, file), out)
            out.print(f"All decisions so far: {export_trail(con, audit_dir)}")

    @review_app.command("status")
    def review_status(
        audit_dir: Annotated[Path, FROM],
        as_of: Annotated[datetime | None, AS_OF] = None,
        lookback: Annotated[Path | None, LOOKBACK] = None,
        limit: Annotated[int, typer.Option(help="Queue rows to print.")] = 40,
        debug: bool = DEBUG,
    ) -> None:
        """Print the review queue: open claims, conflicts, decisions whose finding is gone."""
        from ino_audit.outputs.review_store import open_audit
        from ino_audit.recovery.status import print_status

        with (
            guarded(fail, debug, "review status"),
            open_audit(audit_dir, day(as_of), lookback) as con,
        ):
            print_status(con, out, limit)

    @app.command("recover")
    def recover_command(
        audit_dir: Annotated[Path, FROM],
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for adjustments and letters.")],
        as_of: Annotated[datetime | None, AS_OF] = None,
        plan_config: Annotated[Path | None, PLAN] = None,
        template: Annotated[Path | None, TEMPLATE] = None,
        lookback: Annotated[Path | None, LOOKBACK] = None,
        mask_members: Annotated[bool, MASK] = False,
        debug: bool = DEBUG,
    ) -> None:
        """Write adjustments.csv/.parquet and one overpayment letter (PDF) per provider."""
        from ino_audit.outputs.review_store import open_audit
        from ino_audit.recovery.recover import recover

        with guarded(fail, debug, "recover"), open_audit(audit_dir, day(as_of), lookback) as con:
            r = recover(con, out_dir, day(as_of), plan_config, template, mask_members)
            out.print(
                f"{r.adjustments:,} adjustments, ${r.total:,.2f}, in {len(r.letters):,} letters; "
                f"{r.outside_lookback:,} confirmed overpayments outside the look-back window "
                f"left out. Files in {out_dir}"
            )

    app.add_typer(review_app, name="review")
