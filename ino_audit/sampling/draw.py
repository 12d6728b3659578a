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
from dataclasses import dataclass, field
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
from ino_audit.sampling.design import Expected
from ino_audit.sampling.universe import Period

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


@dataclass
class SampleConfig:
    """What to sample and how (`ino-audit sample` options)."""

    audit_dir: Path
    out: Path
    seed: int
    universe: str = "all"
    strata: int = 1
    stratify: str = "sqrt-f"
    certainty_above: float | None = None
    allocation: str = "neyman"
    size: int | None = None
    precision: float | None = None
    confidence: float | None = None
    error_rate: float | None = None
    expected_sd: float | None = None
    expected_mean: float | None = None
    period: Period = field(default_factory=Period)


@dataclass
class Design:
    """The strata of a frame: each claim's stratum number and the per-stratum facts."""

    stratum: np.ndarray  # 1-based stratum number per frame claim
    strata: list[dict[str, Any]]
    sizing: dict[str, Any]
    warnings: list[str]


def check(cfg: SampleConfig) -> None:
    """Refuse options that contradict each other or are out of range, in one sentence."""
    if cfg.seed < 0:
        raise AuditError("--seed must be a whole number of zero or more.")
    if cfg.strata < 1:
        raise AuditError("--strata must be at least 1.")
    if cfg.size is not None and (cfg.precision is not None or cfg.confidence is not None):
        raise AuditError("Give --size or --precision/--confidence, not both.")
    if cfg.size is not None and cfg.size < 1:
        raise AuditError("--size must be at least 1.")
    if cfg.precision is not None and not 0 < cfg.precision < 100:
        raise AuditError("--precision is a percentage of the total, above 0 and below 100.")
    if cfg.confidence is not None and not 50 <= cfg.confidence < 100:
        raise AuditError("--confidence is a percentage such as 90 (from 50 to below 100).")
    if cfg.certainty_above is not None and not cfg.certainty_above > 0:
        raise AuditError("--certainty-above must be a positive dollar amount.")
    expectations = [cfg.error_rate is not None, cfg.expected_sd is not None]
    if cfg.size is not None and (any(expectations) or cfg.expected_mean is not None):
        raise AuditError("--error-rate and --expected-sd size the sample with --precision only.")
    if all(expectations):
        raise AuditError("Give --error-rate or --expected-sd, not both.")
    if cfg.error_rate is not None and not 0 < cfg.error_rate <= 1:
        raise AuditError("--error-rate is the expected share of claims in error, above 0 up to 1.")
    if (cfg.expected_sd is None) != (cfg.expected_mean is None):
        raise AuditError("--expected-sd and --expected-mean go together.")
    if cfg.expected_sd is not None and not (
        cfg.expected_sd >= 0 and cfg.expected_mean is not None and cfg.expected_mean > 0
    ):
        raise AuditError("--expected-sd must be 0 or more and --expected-mean above 0.")


def expected_of(cfg: SampleConfig, at_risk: np.ndarray) -> Expected:
    """Return what sizing expects of the overpayments (the audit's amounts at risk by default)."""
    if cfg.error_rate is not None:
        return Expected("error-rate", rate=cfg.error_rate)
    if cfg.expected_sd is not None:
        return Expected("sd", mean=cfg.expected_mean, std_dev=cfg.expected_sd)
    return Expected("audit", values=at_risk)


def bounds(cuts: np.ndarray, h: int, top: float | None) -> tuple[float | None, float | None]:
    """Return stratum h's paid-amount bounds: lower inclusive, upper exclusive (None = open)."""
    lower = float(cuts[h - 1]) if h > 0 else None
    upper = float(cuts[h]) if h < len(cuts) else top
    return lower, upper


def plan_design(cfg: SampleConfig, paid: np.ndarray, at_risk: np.ndarray) -> Design:
    """Stratify the frame, size the sample and allocate it; return the design."""
    sure = paid >= cfg.certainty_above if cfg.certainty_above else np.zeros(len(paid), bool)
    codes, cuts = design.stratify(paid[~sure], cfg.strata, cfg.stratify)
    k = len(cuts) + 1 if (~sure).any() else 0
    sizes = np.bincount(codes, minlength=k)
    paid_sd = design.group_sd(codes, paid[~sure], k)
    shares = design.weights(sizes, paid_sd, cfg.allocation)
    sizing, total, sds = size_sample(cfg, paid, at_risk, sure, codes, k, shares)
    n = design.allocate(total, sizes, shares) if k else np.zeros(0, dtype=int)
    if sds is not None:
        half = design.z_value(sizing["confidence_pct"]) * design.anticipated_se(sizes, sds, n)
        sizing["anticipated_precision_pct"] = round(100 * half / sizing["expected_total"], 2)
    stratum = np.empty(len(paid), dtype=int)
    stratum[~sure] = codes + 1
    stratum[sure] = k + 1
    strata = [
        stratum_facts(
            h + 1,
            *bounds(cuts, h, cfg.certainty_above if sure.any() else None),
            paid[stratum == h + 1],
            int(n[h]),
            False,
        )
        for h in range(k)
    ]
    if sure.any():
        strata.append(
            stratum_facts(k + 1, cfg.certainty_above, None, paid[sure], int(sure.sum()), True)
        )
    return Design(stratum, strata, sizing, design_warnings(cfg, strata, total))


def size_sample(
    cfg: SampleConfig,
    paid: np.ndarray,
    at_risk: np.ndarray,
    sure: np.ndarray,
    codes: np.ndarray,
    k: int,
    shares: np.ndarray,
) -> tuple[dict[str, Any], int, np.ndarray | None]:
    """Return the sizing record, the size of the sampled strata and their expected spreads."""
    if cfg.size is not None:
        return {"method": "size", "size": cfg.size}, cfg.size, None
    precision = cfg.precision if cfg.precision is not None else 10.0
    confidence = cfg.confidence if cfg.confidence is not None else 90.0
    expected = expected_of(cfg, at_risk)
    total_expected = design.expected_total(expected, paid)
    if total_expected <= 0:
        raise AuditError(
            "The audit found no dollars at risk in this universe, so a precision target cannot "
            "size the sample; give --size, --error-rate or --expected-sd and --expected-mean."
        )
    values = expected.values[~sure] if expected.values is not None else None
    sub = Expected(expected.basis, values, expected.rate, expected.mean, expected.std_dev)
    sds = design.expected_sds(sub, paid[~sure], codes, k)
    sizes = np.bincount(codes, minlength=k)
    z = design.z_value(confidence)
    half_width = precision / 100 * total_expected
    n = design.smallest_size(sizes, sds, shares, half_width, z)
    record = {
        "method": "precision",
        "precision_pct": precision,
        "confidence_pct": confidence,
        "z": round(z, 6),
        "expected_basis": expected.basis,
        "error_rate": cfg.error_rate,
        "expected_mean": cfg.expected_mean,
        "expected_std_dev": cfg.expected_sd,
        "expected_total": round(total_expected, 2),
        "target_half_width": round(half_width, 2),
        "expected_std_dev_by_stratum": [round(float(s), 2) for s in sds],
        "size": n,
    }
    return record, n, sds


def stratum_facts(
    number: int, lower: float | None, upper: float | None, paid: np.ndarray, n: int, certainty: bool
) -> dict[str, Any]:
    """Return one stratum's plan entry."""
    return {
        "stratum": number,
        "certainty": certainty,
        "lower_bound": lower,
        "upper_bound": upper,
        "min_paid": round(float(paid.min()), 2),
        "max_paid": round(float(paid.max()), 2),
        "frame_size": len(paid),
        "sample_size": n,
        "paid_amount": round(float(paid.sum()), 2),
        "paid_std_dev": round(float(paid.std(ddof=1)), 2) if len(paid) > 1 else 0.0,
    }


def design_warnings(cfg: SampleConfig, strata: list[dict], total: int) -> list[str]:
    """Return sentences on what weakens the design."""
    notes = []
    sampled = [s for s in strata if not s["certainty"]]
    if sampled and len(sampled) < cfg.strata:
        notes.append(
            f"{cfg.strata} strata were asked for but the paid amounts support {len(sampled)}."
        )
    frame = sum(s["frame_size"] for s in sampled)
    drawn = sum(s["sample_size"] for s in sampled)
    if drawn > total:
        notes.append(
            f"The sample is {drawn} claims, not {total}: every stratum needs at least "
            f"{design.MIN_PER_STRATUM}."
        )
    elif drawn < total:
        notes.append(
            f"The universe has {frame} claims outside the certainty stratum, so all of "
            "them are reviewed."
        )
    notes += [
        f"Stratum {s['stratum']} samples {s['sample_size']} claims, fewer than 30."
        for s in sampled
        if s["sample_size"] < 30 and s["sample_size"] < s["frame_size"]
    ]
    return notes


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
