"""Extrapolation statistics: stratified mean-per-unit estimate of the total overpayment.

Per stratum h with frame size N_h, n_h reviewed claims, mean y_h and sample standard deviation
s_h (n_h - 1 divisor): point estimate N_h * y_h and standard error
sqrt(N_h (N_h - n_h) s_h^2 / n_h). Overall: the sums of the points and of the variances. The
limits are two-sided; a stratum's use Student t with n_h - 1 degrees of freedom; the overall ones
use t when one stratum carries all the sampling error (an unrestricted sample) and the normal z
otherwise, as RAT-STATS does. Everything here is numpy over whole arrays; nothing is rounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVELS = ("80", "90", "95")


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval around a point estimate."""

    lower: float
    upper: float
    precision_pct: float | None


@dataclass(frozen=True)
class StratumEstimate:
    """The statistics of one stratum of a reviewed sample."""

    stratum: str
    frame_size: int
    sample_size: int
    nonzero: int
    mean: float
    std_dev: float
    point_estimate: float
    standard_error: float
    sample_total: float
    confidence: dict[str, Interval]

    @property
    def census(self) -> bool:
        """Return whether every claim of the stratum was reviewed."""
        return self.sample_size >= self.frame_size


@dataclass(frozen=True)
class Estimate:
    """The extrapolated total overpayment of a frame from its reviewed sample."""

    strata: list[StratumEstimate]
    point_estimate: float
    standard_error: float
    degrees_of_freedom: int | None  # None: normal z
    confidence: dict[str, Interval]
    sample_total: float


def critical_value(level: str, df: int | None) -> float:
    """Return the two-sided critical value: Student t with df degrees of freedom, else normal z."""
    q = 1 - (1 - int(level) / 100) / 2
    return float(stats.t.ppf(q, df)) if df else float(stats.norm.ppf(q))


def interval(point: float, se: float, level: str, df: int | None) -> Interval:
    """Return the two-sided interval point +/- critical value x standard error."""
    half = critical_value(level, df) * se if se > 0 else 0.0
    precision = 100 * half / point if point else None
    return Interval(point - half, point + half, precision)


def intervals(point: float, se: float, df: int | None) -> dict[str, Interval]:
    """Return the 80, 90 and 95 % two-sided intervals."""
    return {level: interval(point, se, level, df) for level in LEVELS}


def group_moments(codes: np.ndarray, values: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """Return per-group count, non-zero count, sum, mean and sample std dev (two-pass)."""
    n = np.bincount(codes, minlength=k)
    nonzero = np.bincount(codes, weights=(values != 0).astype(float), minlength=k).astype(int)
    total = np.bincount(codes, weights=values, minlength=k)
    mean = np.divide(total, n, out=np.zeros(k), where=n > 0)
    squares = np.bincount(codes, weights=(values - mean[codes]) ** 2, minlength=k)
    std = np.sqrt(np.divide(squares, n - 1, out=np.zeros(k), where=n > 1))
    return n, nonzero, total, mean, std


def estimate(
    labels: list[str], frame_sizes: np.ndarray, codes: np.ndarray, values: np.ndarray
) -> Estimate:
    """Estimate the total from reviewed values; `codes` index each value's stratum in `labels`."""
    big_n = np.asarray(frame_sizes, dtype=float)
    n, nonzero, total, mean, std = group_moments(codes, np.asarray(values, float), len(labels))
    point = big_n * mean
    variance = np.divide(
        big_n * (big_n - n) * std**2, n, out=np.zeros(len(labels)), where=n > 0
    ).clip(min=0)
    se = np.sqrt(variance)
    strata = [
        StratumEstimate(
            labels[h],
            int(big_n[h]),
            int(n[h]),
            int(nonzero[h]),
            float(mean[h]),
            float(std[h]),
            float(point[h]),
            float(se[h]),
            float(total[h]),
            intervals(float(point[h]), float(se[h]), int(n[h]) - 1),
        )
        for h in range(len(labels))
    ]
    sampled = [h for h in range(len(labels)) if n[h] < big_n[h]]
    df = int(n[sampled[0]]) - 1 if len(sampled) == 1 else None
    overall_point = float(point.sum())
    overall_se = math.sqrt(float(variance.sum()))
    return Estimate(
        strata,
        overall_point,
        overall_se,
        df,
        intervals(overall_point, overall_se, df),
        float(total.sum()),
    )
