"""Write the contract's output files (docs/contract.md §4) from the audit tables.

The CSV files are for people: written from the export views (member ids masked when asked, so a
raw id never reaches a masked run's files), formula-guarded, atomically and owner-only
(ino_audit/infra/safe_io.py). The Parquet exports (ino_audit/outputs/reports.py) keep exact values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io

DETERMINATION_COLUMNS = (
    "claim_id, member_id, determination, nullif(rule_ids, '') as rule_ids, paid_amount, "
    "amount_at_risk"
)
FINDING_COLUMNS = (
    "claim_id, episode_id, provider_id, rule_id, severity, policy_section, message, evidence"
)
QUARANTINE_COLUMNS = 'source, source_file, source_row, "column", reason'
DETERMINATIONS = ("supported", "not_supported", "insufficient_documentation", "review_required")


def write_tables(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Write determinations.csv, findings.csv and quarantine.csv (export views prepared)."""
    safe_io.ensure_dir(out)
    safe_io.write_csv(
        con,
        f"select {DETERMINATION_COLUMNS} from export_determinations order by claim_id",
        out / "determinations.csv",
    )
    safe_io.write_csv(
        con,
        f"select {FINDING_COLUMNS} from export_findings "
        "order by claim_id nulls last, rule_id, provider_id",
        out / "findings.csv",
    )
    safe_io.write_csv(con, f"select {QUARANTINE_COLUMNS} from quarantine", out / "quarantine.csv")


def summary(con: duckdb.DuckDBPyConnection, extra: dict[str, Any]) -> dict[str, Any]:
    """Return the run summary: row counts per source, iNO claims, determinations, dollars."""
    data: dict[str, Any] = dict(extra)
    for source, inp, loaded, quarantined in con.execute(
        "select source, input_rows, loaded_rows, quarantined_rows from load_stats"
    ).fetchall():
        data[source] = {"input_rows": inp, "loaded_rows": loaded, "quarantined_rows": quarantined}
    counts = dict(
        con.execute(
            "select determination, count(*) from determinations group by determination"
        ).fetchall()
    )
    data["ino_claims"] = con.execute("select count(*) from ino_claims").fetchall()[0][0]
    data["determinations"] = {d: counts.get(d, 0) for d in DETERMINATIONS}
    paid, at_risk = con.execute(
        "select coalesce(sum(paid_amount), 0), coalesce(sum(amount_at_risk), 0) from determinations"
    ).fetchall()[0]
    data["paid_amount"] = f"{paid:.2f}"
    data["amount_at_risk"] = f"{at_risk:.2f}"
    # contract §7: which policy version judged how many claims, and their determinations
    data["claims_by_policy"] = {
        version: {"claims": n, "mapped": mapped, "not_supported": denied}
        for version, n, mapped, denied in con.execute(
            "select claim_policy.policy_version, count(*), count(*) filter (where mapped), "
            "count(*) filter (where determination = 'not_supported') from claim_policy "
            "inner join determinations using (claim_id) group by 1 order by 1"
        ).fetchall()
    }
    data["findings_by_rule"] = dict(
        con.execute(
            "select rule_id, count(*) from findings group by rule_id order by rule_id"
        ).fetchall()
    )
    return data


def write_summary(out: Path, data: dict[str, Any]) -> None:
    """Write summary.json."""
    safe_io.write_text(out / "summary.json", json.dumps(data, indent=2, default=str) + "\n")
