"""`ino-audit extrapolate`: the reviewed sample's overpayments projected onto the frame.

Takes frame.csv (every universe claim with its stratum) and the reviewed results
(`claim_id, overpayment` or `claim_id, audited_amount`) as `reviewed` checked them, and writes
extrapolation.json (contract §5) and extrapolation.html. Point estimates, standard errors, means
and standard deviations are rounded to the cent, confidence limits included (docs/contract.md §5:
money is rounded to the cent). RAT-STATS prints whole dollars; the cent values agree with its
figures to the dollar.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ino_audit import __version__
from ino_audit.infra import safe_io
from ino_audit.infra.fingerprint import file_sha256
from ino_audit.sampling.estimate import Estimate, Interval, estimate
from ino_audit.sampling.reviewed import Reviewed, reviewed

MIN_SAMPLED = 30
MIN_NONZERO = 6
DEMANDS = {  # key: (two-sided level whose lower limit is demanded, label)
    "demand_amount_pim": (
        "80",
        "CMS Program Integrity Manual ch. 8 §8.4: lower limit of the "
        "one-sided 90% interval (= two-sided 80%)",
    ),
    "demand_amount_cia": (
        "90",
        "OIG Corporate Integrity Agreement: lower limit of the two-sided 90% interval",
    ),
}


def cents(value: float) -> float:
    """Round an amount to the cent (half away from zero)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_UP))


def limits(i: Interval, point: float) -> dict[str, Any]:
    """Return an interval as JSON: limits to the cent, precision in percent."""
    if i.upper - i.lower <= 0:
        lower = upper = cents(point)
    else:
        lower, upper = cents(i.lower), cents(i.upper)
    pct = None if i.precision_pct is None else round(i.precision_pct, 2)
    return {"lower": lower, "upper": upper, "precision_pct": pct}


def stratum_label(label: str) -> int | str:
    """Return a stratum label as a number when it is one."""
    return int(label) if label.lstrip("-").isdigit() else label


def warnings_for(est: Estimate, data: Reviewed, demands: dict[str, float]) -> list[str]:
    """Return the sentences that say where the design or the result is weak."""
    notes = []
    for s in est.strata:
        if s.census:
            continue
        if s.sample_size < MIN_SAMPLED:
            notes.append(
                f"Stratum {s.stratum} has {s.sample_size} sampled claims, fewer than "
                f"{MIN_SAMPLED}: its limits rest on a small sample."
            )
        if s.nonzero < MIN_NONZERO:
            notes.append(
                f"Stratum {s.stratum} has {s.nonzero} non-zero overpayments, fewer than "
                f"{MIN_NONZERO}: the normal approximation behind its interval is weak."
            )
    for key, (level, _) in DEMANDS.items():
        lower = est.confidence[level].lower
        if lower < 0:
            notes.append(
                f"The two-sided {level}% lower limit is negative (${lower:,.2f}), so "
                f"{key} is the ${demands[key]:,.2f} of overpayments actually found in the sample."
            )
    if data.over_paid:
        notes.append(
            f"{data.over_paid} reviewed claims have an overpayment above their paid amount."
        )
    return notes


def result_json(est: Estimate, data: Reviewed, inputs: dict[str, Any]) -> dict[str, Any]:
    """Return extrapolation.json's content."""
    overall = {level: limits(i, est.point_estimate) for level, i in est.confidence.items()}
    demands, basis = {}, {}
    for key, (level, label) in DEMANDS.items():
        lower = overall[level]["lower"]
        negative = est.confidence[level].lower < 0
        demands[key] = cents(est.sample_total) if negative else lower
        basis[key] = (
            "the overpayments actually found in the sample (the lower limit is negative)"
            if negative
            else label
        )
    return {
        "overall": {
            "point_estimate": cents(est.point_estimate),
            "standard_error": cents(est.standard_error),
            "confidence": overall,
            "distribution": "student_t" if est.degrees_of_freedom else "normal",
            "degrees_of_freedom": est.degrees_of_freedom,
            "frame_size": int(data.frame_sizes.sum()),
            "sample_size": len(data.overpayments),
            "nonzero": int(np.sum(data.overpayments != 0)),
            "sample_overpayment": cents(est.sample_total),
        },
        **demands,
        "demand_basis": basis,
        "strata": [
            {
                "stratum": stratum_label(s.stratum),
                "frame_size": s.frame_size,
                "sample_size": s.sample_size,
                "nonzero": s.nonzero,
                "mean": cents(s.mean),
                "std_dev": cents(s.std_dev),
                "point_estimate": cents(s.point_estimate),
                "standard_error": cents(s.standard_error),
                "sample_overpayment": cents(s.sample_total),
                "confidence": {lv: limits(i, s.point_estimate) for lv, i in s.confidence.items()},
            }
            for s in est.strata
        ],
        "warnings": warnings_for(est, data, demands),
        "inputs": inputs,
        "tool_version": __version__,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def plan_beside(frame: Path) -> dict[str, Any] | None:
    """Return the sampling plan written beside the frame, if there is one."""
    try:
        return json.loads((frame.parent / "sampling_plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def plan_warnings(frame: Path, plan: dict[str, Any] | None, results: np.ndarray) -> list[str]:
    """Return sentences on a frame changed since sampling, or results that are not the sample."""
    if not plan:
        return []
    notes = []
    files = plan.get("files") or {}
    if files.get("frame_sha256") not in (None, file_sha256(frame)):
        notes.append("frame.csv differs from the frame the sampling plan recorded.")
    sample = frame.parent / str(files.get("sample", "sample.csv"))
    if sample.is_file():
        drawn = set(pd.read_csv(sample, dtype=str, usecols=["claim_id"])["claim_id"])
        missing, extra = len(drawn - set(results)), len(set(results) - drawn)
        if missing or extra:
            notes.append(
                f"The results leave out {missing} claims of sample.csv and add {extra} "
                "claims that were not drawn: the estimate assumes a random sample."
            )
    return notes


def run_extrapolation(frame: Path, results: Path, out: Path) -> dict[str, Any]:
    """Extrapolate the reviewed sample onto the frame; write the JSON and the page."""
    data = reviewed(frame, results)
    est = estimate(data.labels, data.frame_sizes, data.codes, data.overpayments)
    plan = plan_beside(frame)
    inputs = {
        "frame": {"path": str(frame), "sha256": file_sha256(frame)},
        "results": {"path": str(results), "sha256": file_sha256(results)},
        "sampling_plan_seed": plan.get("seed") if plan else None,
    }
    result = result_json(est, data, inputs)
    result["warnings"] += plan_warnings(frame, plan, data.claim_ids)
    safe_io.ensure_dir(out)
    safe_io.write_text(out / "extrapolation.json", json.dumps(result, indent=2) + "\n")
    from ino_audit.sampling.pages import write_extrapolation_page

    write_extrapolation_page(out / "extrapolation.html", result, plan)
    return result
