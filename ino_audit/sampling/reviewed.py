"""Read and check the frame and the reviewed results, lined up by stratum for extrapolation.

frame.csv and the results (a CSV, or the filled-in review worksheet) are refused with one
sentence naming the file, row and column when a claim, stratum or amount cannot be used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ino_audit.infra.errors import AuditError


@dataclass
class Reviewed:
    """The frame and the reviewed sample, checked and lined up by stratum."""

    labels: list[str]
    claim_ids: np.ndarray  # the reviewed claims
    frame_sizes: np.ndarray
    codes: np.ndarray  # stratum index of each reviewed claim
    overpayments: np.ndarray
    over_paid: int  # reviewed claims whose overpayment exceeds their paid amount


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
