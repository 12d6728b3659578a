"""`ino-audit extrapolate`: the reviewed sample's overpayments projected onto the frame.

Reads frame.csv (every universe claim with its stratum) and the reviewed results
(`claim_id, overpayment` or `claim_id, audited_amount`), refuses anything it cannot use with one
sentence naming the file, row and column, and writes extrapolation.json (contract §5) and
extrapolation.html. Point estimates, standard errors, means and standard deviations are
rounded to the cent, confidence limits included (docs/contract.md §5: money is rounded to the
cent). RAT-STATS prints whole dollars; the cent values agree with its figures to the dollar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ino_audit import __version__
from ino_audit.infra import safe_io
from ino_audit.infra.errors import AuditError
from ino_audit.infra.fingerprint import file_sha256
from ino_audit.sampling.estimate import Estimate, Interval, estimate

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


@dataclass
class Reviewed:
    """The frame and the reviewed sample, checked and lined up by stratum."""

    labels: list[str]
    claim_ids: np.ndarray  # the reviewed claims
    frame_sizes: np.ndarray
    codes: np.ndarray  # stratum index of each reviewed claim
    overpayments: np.ndarray
    over_paid: int  # reviewed claims whose overpayment exceeds their paid amount


def cents(value: float) -> float:
    """Round an amount to the cent (half away from zero)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_UP))


def read_rows(path: Path) -> pd.DataFrame:
    """Read a CSV file, or the Sample sheet of a review worksheet (.xlsx), as text columns."""
    if path.suffix.lower() == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        df = sheets.get("Sample", next(iter(sheets.values())))
        return df.fillna("")
    return pd.read_csv(
        path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
    )  # a spreadsheet's byte-order mark is not a header


def read_table(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """Read a table; refuse a missing file, unreadable content or a missing column.

    Headers match whatever their case and spacing ("Claim ID" is claim_id).
    """
    if not path.is_file():
        raise AuditError(f"The {what} file {path} does not exist.")
    try:
        df = read_rows(path)
    except pd.errors.EmptyDataError:
        raise AuditError(f"The {what} file {path} is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError, KeyError):
        raise AuditError(
            f"The {what} file {path} is not a readable UTF-8 CSV file or review worksheet."
        ) from None
    df.columns = ["_".join(str(c).strip().lower().split()) for c in df.columns]
    for column in required:
        if column not in df.columns:
            raise AuditError(f"The {what} file {path} has no column {column}.")
    if df.empty:
        raise AuditError(f"The {what} file {path} has no rows.")
    return df


def refuse_at(path: Path, mask: np.ndarray, column: str, problem: str, values=None) -> None:
    """Refuse with the first row (1 = first data row) where `mask` holds, if any."""
    rows = np.flatnonzero(mask)
    if len(rows):
        shown = "" if values is None else f" ({str(values[rows[0]])[:40]!r})"
        raise AuditError(f"{path} row {rows[0] + 1}, column {column}: {problem}{shown}.")


def texts(df: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """Return a required text column, stripped, refusing empty cells."""
    values = df[column].str.strip().to_numpy(dtype=object)
    refuse_at(path, values == "", column, "is empty")
    return values


def amounts(df: pd.DataFrame, column: str, path: Path, optional: bool = False) -> np.ndarray:
    """Return a money column as floats (NaN where empty and optional); refuse bad numbers.

    A dollar sign and thousands separators, as a spreadsheet saves formatted money, are allowed.
    """
    raw = df[column].str.strip()
    plain = raw.str.replace(r"^\$|(?<=\d),(?=\d{3})", "", regex=True)
    values = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=float, copy=True)
    empty = (raw == "").to_numpy()
    if not optional:
        refuse_at(path, empty, column, "is empty")
    refuse_at(path, ~empty & ~np.isfinite(values), column, "is not a finite number", raw.to_numpy())
    refuse_at(path, ~empty & (values < 0), column, "is a negative amount", raw.to_numpy())
    values[empty] = np.nan
    return values


def refuse_duplicates(ids: np.ndarray, path: Path) -> None:
    """Refuse a claim id listed twice, naming the repeat's row."""
    repeated = pd.Series(ids).duplicated().to_numpy()
    refuse_at(path, repeated, "claim_id", "the claim is listed a second time", ids)


def stratum_order(labels: np.ndarray) -> list[str]:
    """Return the distinct stratum labels, numerically when they are all whole numbers."""
    distinct = sorted(set(labels.tolist()))
    if all(s.lstrip("-").isdigit() for s in distinct):
        return sorted(distinct, key=int)
    return distinct


def read_frame(path: Path) -> tuple[pd.Series, pd.Series, list[str]]:
    """Return the frame's stratum and paid amount by claim id, and its stratum labels."""
    df = read_table(path, ("claim_id", "stratum", "paid_amount"), "frame")
    ids = texts(df, "claim_id", path)
    strata = texts(df, "stratum", path)
    paid = amounts(df, "paid_amount", path)
    refuse_duplicates(ids, path)
    return pd.Series(strata, index=ids), pd.Series(paid, index=ids), stratum_order(strata)


def read_results(
    path: Path, frame_strata: pd.Series, frame_paid: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the reviewed claims' ids, overpayments and paid amounts, checked against the frame."""
    df = read_table(path, ("claim_id",), "results")
    given = [c for c in ("overpayment", "audited_amount") if c in df.columns]
    if not given:
        raise AuditError(
            f"The results file {path} has neither an overpayment nor an audited_amount column."
        )
    ids = texts(df, "claim_id", path)
    refuse_duplicates(ids, path)
    refuse_at(
        path,
        ~pd.Series(ids).isin(frame_strata.index).to_numpy(),
        "claim_id",
        "the claim is not in the frame",
        ids,
    )
    paid = frame_paid.reindex(ids).to_numpy(dtype=float)
    both = len(given) == 2
    over = amounts(df, "overpayment", path, both) if "overpayment" in given else None
    audited = amounts(df, "audited_amount", path, both) if "audited_amount" in given else None
    derived = paid - audited if audited is not None else None
    if derived is not None:
        refuse_at(
            path,
            derived < -0.005,
            "audited_amount",
            "is above the claim's paid amount (underpayments are not extrapolated)",
            df["audited_amount"].to_numpy(),
        )
    if over is not None and derived is not None:
        refuse_at(
            path,
            np.isnan(over) & np.isnan(derived),
            "overpayment",
            "is empty and so is audited_amount",
        )
        refuse_at(
            path,
            np.abs(over - derived) > 0.005,
            "overpayment",
            "disagrees with paid_amount minus audited_amount",
            df["overpayment"].to_numpy(),
        )
        over = np.where(np.isnan(over), derived, over)
    values = over if over is not None else derived
    assert values is not None
    return ids, np.clip(values, 0, None), paid


def reviewed(frame: Path, results: Path) -> Reviewed:
    """Read and check the frame and the results; line the results up by stratum."""
    strata, paid, labels = read_frame(frame)
    ids, values, paid_of = read_results(results, strata, paid)
    index = {label: h for h, label in enumerate(labels)}
    codes = strata.reindex(ids).map(index).to_numpy(dtype=int)
    frame_sizes = strata.value_counts().reindex(labels).to_numpy(dtype=int)
    n = np.bincount(codes, minlength=len(labels))
    for h, label in enumerate(labels):
        if n[h] < min(2, frame_sizes[h]):
            raise AuditError(
                f"Stratum {label} of {frame} has {n[h]} reviewed claim(s) in {results}; its "
                f"estimate needs at least 2 (or all {frame_sizes[h]})."
            )
    over_paid = int(np.sum(values > paid_of + 0.005))
    return Reviewed(labels, ids, frame_sizes, codes, values, over_paid)


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
