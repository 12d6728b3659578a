"""The reviewers' worksheet (review_worksheet.xlsx): the sample, blanks to fill in, the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ino_audit.outputs import excel


def plan_facts(plan: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return the plan as (item, value) pairs for the facts sheet."""
    facts: list[tuple[str, Any]] = [
        (
            "How to return the review",
            "Fill in overpayment (0 when the claim is correct) or "
            "audited_amount for every row, save the Sample sheet as CSV (claim_id plus that "
            "column) and run: ino-audit extrapolate --frame frame.csv --results reviewed.csv",
        ),
        ("Universe", plan["universe"]["description"]),
        ("Audit run", plan["source"]["run_id"]),
        ("Policy version", plan["source"]["policy_version"]),
        ("Seed", plan["seed"]),
        ("Random numbers", plan["generator"]["formula"]),
        ("Selection", plan["generator"]["selection"]),
        ("Claims in the frame", plan["frame_size"]),
        ("Claims in the sample", plan["sample_size"]),
    ]
    for s in plan["strata"]:
        kind = "certainty (reviewed in full)" if s["certainty"] else "sampled"
        facts.append(
            (
                f"Stratum {s['stratum']}",
                f"{kind}; paid {s['min_paid']:,.2f} to "
                f"{s['max_paid']:,.2f}; {s['frame_size']:,} claims, {s['sample_size']:,} sampled",
            )
        )
    facts += [("Warning", w) for w in plan["warnings"]]
    return facts


def write_worksheet(con: duckdb.DuckDBPyConnection, path: Path, plan: dict[str, Any]) -> Path:
    """Write the Sample sheet and the plan facts; every text cell is written as text."""
    wb = excel.open_workbook(path)
    fmt = excel.formats(wb)
    excel.write_table(wb, "Sample", *excel.query(con, "sampling/worksheet.sql"), fmt)
    excel.write_facts(wb, plan_facts(plan), fmt)
    wb.close()
    return path
