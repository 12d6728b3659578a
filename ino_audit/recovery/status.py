"""`ino-audit review status`: the review queue and the review figures, printed with Rich."""

from __future__ import annotations

from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs.reports import dollars
from ino_audit.recovery.recover import rows

QUEUE_ROWS = 40


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Return the review headline (sql/reports/review_summary.sql)."""
    return rows(con, read_sql("reports/review_summary.sql"))[0]


def print_status(con: duckdb.DuckDBPyConnection, console: Console, limit: int = QUEUE_ROWS) -> None:
    """Print the headline, the queue (open claims, conflicts, stale decisions) and overturns."""
    s = summary(con)
    console.print(
        f"Review as of {s['as_of']}: {s['claims']:,} claims need review; "
        f"{s['reviewed']:,} reviewed, {s['open']:,} open, {s['finding_gone']:,} decisions whose "
        f"finding no longer fires, {s['conflicts']:,} with conflicting decisions."
    )
    console.print(
        f"Confirmed overpayments {dollars(s['confirmed_recoverable'])} (recoverable); still at "
        f"risk on open claims {dollars(s['open_at_risk'])}; {s['outside_lookback']:,} claims "
        f"outside the look-back window ({dollars(s['confirmed_outside_lookback'])} confirmed, "
        f"{dollars(s['at_risk_outside_lookback'])} at risk, not recoverable)."
    )
    queue = rows(con, read_sql("recovery/review_queue.sql"))
    table = Table(title=f"Review queue ({len(queue):,} claims; first {min(limit, len(queue))})")
    for col in ("claim", "provider", "determination", "rules", "attention", "look-back"):
        table.add_column(col, overflow="fold", min_width=10 if col in ("claim", "provider") else 6)
    table.add_column("at risk", justify="right")
    for q in queue[:limit]:
        table.add_row(
            q["claim_id"],
            q["provider_id"] or "",
            q["determination"],
            q["rule_ids"] or "",
            q["attention"],
            q["lookback_status"],
            dollars(q["amount_at_risk"]),
        )
    console.print(table)
    by_rule = [r for r in rows(con, read_sql("reports/review_by_rule.sql")) if r["reviewed"]]
    if by_rule:
        rules = Table(title="Decisions by rule")
        for col in ("rule", "reviewed", "upheld", "partial", "overturned", "not received"):
            rules.add_column(col, justify="left" if col == "rule" else "right", overflow="fold")
        rules.add_column("overturn rate", justify="right")
        for r in by_rule:
            rules.add_row(
                r["rule_id"],
                str(r["reviewed"]),
                str(r["upheld"]),
                str(r["partial"]),
                str(r["overturned"]),
                str(r["records_not_received"]),
                f"{100 * r['overturn_share']:.0f}%",
            )
        console.print(rules)
