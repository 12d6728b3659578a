"""Print an audit's summary to the terminal: rows per source, determinations, dollars, folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def print_audit_summary(data: dict[str, Any], out_dir: Path, console: Console) -> None:
    """Print a short run summary table."""
    table = Table(title=f"ino-audit {data['run_id']} ({data['policy_version']})")
    table.add_column("source")
    for col in ("input rows", "loaded", "quarantined"):
        table.add_column(col, justify="right")
    for source in ("claims", "encounters", "members"):
        s = data[source]
        table.add_row(
            source, f"{s['input_rows']:,}", f"{s['loaded_rows']:,}", f"{s['quarantined_rows']:,}"
        )
    console.print(table)
    dets = ", ".join(f"{k} {v:,}" for k, v in data["determinations"].items())
    console.print(f"iNO claims: {data['ino_claims']:,} ({dets})")
    console.print(
        f"Paid ${data['paid_amount']}, at risk ${data['amount_at_risk']}. Outputs in {out_dir}"
    )
