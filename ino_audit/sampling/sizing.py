"""Design a sample over the frame's paid amounts: strata, sample size and its allocation.

`plan_design` stratifies the frame (a certainty stratum above --certainty-above), sizes the
sample (a given size, or the smallest that meets the precision target) and allocates it to the
strata; the statistics themselves are in `design`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ino_audit.infra.errors import AuditError
from ino_audit.sampling import design
from ino_audit.sampling.config import SampleConfig
from ino_audit.sampling.design import Expected


@dataclass
class Design:
    """The strata of a frame: each claim's stratum number and the per-stratum facts."""

    stratum: np.ndarray  # 1-based stratum number per frame claim
    strata: list[dict[str, Any]]
    sizing: dict[str, Any]
    warnings: list[str]


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
