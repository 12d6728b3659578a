"""`ino-audit sample`: number every claim of the frame and draw the stratified random sample.

The random number of a claim is the first 13 hex digits (52 bits) of SHA-256 of the text
"<seed>:<claim_id>", divided by 2^52: uniform on [0, 1), the same on any machine and in any
language, and independent of the order of the file. Within each stratum the n_h claims with the
smallest numbers (ties, which need a SHA-256 collision, by claim id) are the sample: a simple
random sample without replacement, and `selection_order` is the rank. DuckDB computes the hashes
and ranks over the whole frame at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from ino_audit import __version__
from ino_audit.infra import safe_io
from ino_audit.infra.errors import AuditError
from ino_audit.infra.fingerprint import file_sha256
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.sampling import design, universe
from ino_audit.sampling.config import SampleConfig, check
from ino_audit.sampling.sizing import Design, plan_design

GENERATOR = {
    "name": "sha256-uniform",
    "formula": "random_number = int(sha256(f'{seed}:{claim_id}'.encode('utf-8'))"
    ".hexdigest()[:13], 16) / 2**52",
    "selection": "within each stratum, the sample_size claims with the smallest random numbers "
    "(ties by claim_id); selection_order is the rank from 1",
}
FILES = {
    "frame": "frame.csv",
    "sample": "sample.csv",
    "plan": "sampling_plan.json",
    "worksheet": "review_worksheet.xlsx",
}


def number_frame(
    con: duckdb.DuckDBPyConnection, claim_ids: np.ndarray, stratum: np.ndarray, seed: int
) -> None:
    """Create table `frame`: each claim's stratum, random number and rank in its stratum."""
    con.register(
        "strata_arrow",
        pa.table(
            {"claim_id": pa.array(claim_ids, pa.string()), "stratum": pa.array(stratum, pa.int32())}
        ),
    )
    con.execute(read_sql("sampling/number_frame.sql"), {"seed": str(seed)})
    con.unregister("strata_arrow")


def write_files(con: duckdb.DuckDBPyConnection, out: Path, sizes: dict[int, int]) -> None:
    """Write frame.csv, draw the sample (table `drawn`) and write sample.csv."""
    con.register(
        "sample_sizes",
        pa.table(
            {
                "stratum": pa.array(list(sizes), pa.int32()),
                "sample_size": pa.array(list(sizes.values()), pa.int64()),
            }
        ),
    )
    # frame.csv and sample.csv are machine files (contract §5): exact ids, atomic, owner-only
    with safe_io.atomic(out / FILES["frame"]) as tmp:
        con.sql("select claim_id, stratum, paid_amount from frame order by claim_id").to_csv(
            str(tmp), header=True
        )
    con.execute(read_sql("sampling/sample.sql"))
    with safe_io.atomic(out / FILES["sample"]) as tmp:
        con.sql(
            "select claim_id, stratum, paid_amount, random_number, selection_order from drawn "
            "order by stratum, selection_order"
        ).to_csv(str(tmp), header=True)


def run_sample(cfg: SampleConfig) -> dict[str, Any]:
    """Draw the sample of `cfg` and write its files; return the sampling plan."""
    check(cfg)
    con = duckdb.connect()
    try:
        described = universe.load(con, cfg.audit_dir, cfg.universe, cfg.period)
        arrays = con.sql(
            "select claim_id, paid_amount::double as paid, amount_at_risk::double as at_risk "
            "from universe order by claim_id"
        ).fetchnumpy()
        if len(arrays["claim_id"]) == 0:
            raise AuditError(f"The universe '{cfg.universe}' has no paid claims to sample.")
        plan_of = plan_design(cfg, np.asarray(arrays["paid"]), np.asarray(arrays["at_risk"]))
        number_frame(con, np.asarray(arrays["claim_id"]), plan_of.stratum, cfg.seed)
        safe_io.ensure_dir(cfg.out)
        kept = previous_sample_sha256(cfg.out)
        write_files(con, cfg.out, {s["stratum"]: s["sample_size"] for s in plan_of.strata})
        plan = build_plan(cfg, described, plan_of)
        from ino_audit.sampling.worksheet import write_worksheet

        worksheet = cfg.out / FILES["worksheet"]
        if kept and kept == plan["files"]["sample_sha256"] and worksheet.exists():
            plan["warnings"].append(
                "The same sample was already drawn here: review_worksheet.xlsx was kept as it is."
            )
        else:
            write_worksheet(con, worksheet, plan)
        safe_io.write_text(cfg.out / FILES["plan"], json.dumps(plan, indent=2) + "\n")
    finally:
        con.close()
    return plan


def previous_sample_sha256(out: Path) -> str | None:
    """Return the sample SHA-256 recorded by a plan already in `out`, if any."""
    try:
        plan = json.loads((out / FILES["plan"]).read_text(encoding="utf-8"))
        return plan["files"]["sample_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build_plan(cfg: SampleConfig, described: dict[str, Any], d: Design) -> dict[str, Any]:
    """Return sampling_plan.json's content."""
    frame_size = sum(s["frame_size"] for s in d.strata)
    return {
        "tool": "ino-audit",
        "tool_version": __version__,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": cfg.seed,
        "generator": GENERATOR,
        **described,
        "design": {
            "stratification": cfg.stratify if cfg.strata > 1 else "none",
            "strata_requested": cfg.strata,
            "certainty_above": cfg.certainty_above,
            "allocation": cfg.allocation,
            "minimum_per_stratum": design.MIN_PER_STRATUM,
            "sizing": d.sizing,
        },
        "frame_size": frame_size,
        "sample_size": sum(s["sample_size"] for s in d.strata),
        "paid_amount": round(sum(s["paid_amount"] for s in d.strata), 2),
        "strata": d.strata,
        "files": {
            **{k: v for k, v in FILES.items() if k != "plan"},
            "frame_sha256": file_sha256(cfg.out / FILES["frame"]),
            "sample_sha256": file_sha256(cfg.out / FILES["sample"]),
        },
        "warnings": d.warnings,
    }
