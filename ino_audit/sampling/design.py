"""Sample design: strata by paid amount, sample size from a precision target, allocation.

Boundaries follow the cumulative square-root-of-frequency rule (Dalenius and Hodges; Cochran,
Sampling Techniques, 3rd ed., ch. 5A) or give each stratum an equal share of the paid dollars;
claims paid at or above a certainty threshold form a stratum reviewed in full. The size that
reaches a precision E (dollars) at confidence z is Cochran's n = N^2 S^2 / ((E/z)^2 + N S^2) for
one stratum and n = (sum N_h^2 S_h^2 / w_h) / ((E/z)^2 + sum N_h S_h^2) for allocation shares
w_h (Cochran ch. 5). Every function works on whole arrays; loops run over strata, never claims.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ino_audit.infra.errors import AuditError

METHODS = ("sqrt-f", "equal-dollars")
ALLOCATIONS = ("neyman", "proportional")
MIN_PER_STRATUM = 2  # the fewest claims that give a stratum a standard deviation
CLASSES_PER_STRATUM = 50  # equal-width classes of the sqrt(f) rule, per stratum asked for
MAX_CLASSES = 1000


@dataclass(frozen=True)
class Expected:
    """What sizing expects of the overpayment per claim (`basis`: audit, error-rate or sd)."""

    basis: str
    values: np.ndarray | None = None  # audit: each frame claim's amount at risk
    rate: float | None = None  # error-rate: share of claims expected to be wholly overpaid
    mean: float | None = None  # sd: expected mean overpayment per claim
    std_dev: float | None = None  # sd: expected standard deviation per claim


def sqrt_f_cuts(amounts: np.ndarray, k: int) -> np.ndarray:
    """Return k - 1 cut points: equal steps of cumulative sqrt(frequency) over equal classes."""
    lo, hi = float(amounts.min()), float(amounts.max())
    if k < 2 or hi <= lo:
        return np.empty(0)
    classes = min(MAX_CLASSES, CLASSES_PER_STRATUM * k)
    counts, edges = np.histogram(amounts, bins=classes, range=(lo, hi))
    cum = np.cumsum(np.sqrt(counts))
    targets = cum[-1] * np.arange(1, k) / k
    # the class whose cumulative value is nearest each target closes a stratum
    idx = np.clip(np.searchsorted(cum, targets), 0, classes - 1)
    before = np.clip(idx - 1, 0, None)
    idx = np.where(np.abs(cum[before] - targets) < np.abs(cum[idx] - targets), before, idx)
    return np.unique(edges[idx + 1])


def equal_dollar_cuts(amounts: np.ndarray, k: int) -> np.ndarray:
    """Return k - 1 cut points that give each stratum about the same paid dollars."""
    if k < 2 or len(amounts) == 0:
        return np.empty(0)
    ordered = np.sort(amounts)
    cum = np.cumsum(ordered)
    idx = np.searchsorted(cum, cum[-1] * np.arange(1, k) / k, side="right")
    return np.unique(ordered[np.clip(idx, 0, len(ordered) - 1)])


def assign(amounts: np.ndarray, cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each amount's stratum index (0 = lowest) and the cuts left once empties merge."""
    index = np.searchsorted(cuts, amounts, side="right")
    used = np.unique(index)
    kept = cuts[used[1:] - 1] if len(used) > 1 else np.empty(0)
    return np.searchsorted(kept, amounts, side="right"), kept


def stratify(amounts: np.ndarray, k: int, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Return each amount's stratum index and the cut points for k strata by `method`."""
    if method not in METHODS:
        raise AuditError(f"--stratify must be one of {', '.join(METHODS)}, not {method}.")
    if len(amounts) == 0:
        return np.zeros(0, dtype=int), np.empty(0)
    cuts = sqrt_f_cuts(amounts, k) if method == "sqrt-f" else equal_dollar_cuts(amounts, k)
    return assign(amounts, np.unique(np.round(cuts, 2)))  # bounds in cents, as printed


def group_sd(codes: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Return the standard deviation (n - 1 divisor) of values in each of k groups."""
    from ino_audit.sampling.estimate import group_moments

    return group_moments(codes, values, k)[4]


def weights(sizes: np.ndarray, sds: np.ndarray, allocation: str) -> np.ndarray:
    """Return allocation shares: N_h (proportional) or N_h * S_h (Neyman), summing to 1."""
    if allocation not in ALLOCATIONS:
        raise AuditError(f"--allocation must be one of {', '.join(ALLOCATIONS)}, not {allocation}.")
    w = sizes * sds if allocation == "neyman" else sizes.astype(float)
    if allocation == "neyman" and (w.sum() <= 0 or np.any((w == 0) & (sizes > 1))):
        w = sizes.astype(float)  # a stratum of equal amounts: Neyman gives it nothing
    return w / w.sum() if w.sum() > 0 else np.full(len(sizes), 1 / max(len(sizes), 1))


def allocate(total: int, sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split `total` claims over strata by shares: at least 2 each, at most N_h (largest rest).

    The continuous allocation is clip(lambda x share_h, min_h, N_h) with lambda found by
    bisection so that it sums to the total; whole claims then go by largest remainder.
    """
    sizes = sizes.astype(int)
    lo = np.minimum(sizes, MIN_PER_STRATUM)
    total = int(min(max(total, lo.sum()), sizes.sum()))
    w = shares + 1e-12 * sizes / max(int(sizes.sum()), 1)  # a share of 0 still fills last

    def filled(scale: float) -> np.ndarray:
        return np.clip(scale * w, lo, sizes)

    low, high = 0.0, 1.0
    while filled(high).sum() < total:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if filled(mid).sum() < total else (low, mid)
    target = filled(high)
    base = np.clip(np.floor(target + 1e-9).astype(int), lo, sizes)
    short = total - int(base.sum())
    rest = target - base
    if short > 0:
        base[np.argsort(-np.where(base < sizes, rest, -np.inf), kind="stable")[:short]] += 1
    elif short < 0:
        base[np.argsort(np.where(base > lo, rest, np.inf), kind="stable")[:-short]] -= 1
    return base


def z_value(confidence: float) -> float:
    """Return the two-sided normal critical value for a confidence level in percent."""
    return float(stats.norm.ppf(1 - (1 - confidence / 100) / 2))


def size_for_precision(
    sizes: np.ndarray, sds: np.ndarray, shares: np.ndarray, half_width: float, z: float
) -> int:
    """Return the total sample size whose interval half-width is `half_width` dollars."""
    live = sizes > 0
    numerator = float(np.sum(sizes[live] ** 2 * sds[live] ** 2 / shares[live]))
    denominator = (half_width / z) ** 2 + float(np.sum(sizes * sds**2))
    return math.ceil(numerator / denominator - 1e-9) if denominator > 0 else 0


def smallest_size(
    sizes: np.ndarray, sds: np.ndarray, shares: np.ndarray, half_width: float, z: float
) -> int:
    """Return the least total whose allocation (minimums and caps applied) meets `half_width`.

    Starts from the closed form, which assumes no stratum is capped at N_h; where caps or
    minimums bind, the least size that still reaches the target is found by bisection.
    """
    start = size_for_precision(sizes, sds, shares, half_width, z)

    def meets(total: int) -> bool:
        return z * anticipated_se(sizes, sds, allocate(total, sizes, shares)) <= half_width

    if meets(start):
        return start
    low, high = start, int(sizes.sum())  # a census of the sampled strata always meets it
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if meets(mid) else (mid, high)
    return high


def anticipated_se(sizes: np.ndarray, sds: np.ndarray, n: np.ndarray) -> float:
    """Return the standard error the design expects: sqrt(sum N_h (N_h - n_h) S_h^2 / n_h)."""
    var = np.divide(sizes * (sizes - n) * sds**2, n, out=np.zeros(len(n)), where=n > 0)
    return math.sqrt(float(var.clip(min=0).sum()))


def expected_sds(expected: Expected, paid: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """Return each stratum's expected standard deviation of the overpayment per claim.

    audit: the spread of the audit's amounts at risk; error-rate r: a claim is wholly overpaid
    with probability r, so S^2 = r mean(paid^2) - (r mean(paid))^2; sd: the value given.
    """
    if expected.basis == "audit":
        assert expected.values is not None
        return group_sd(codes, expected.values, k)
    if expected.basis == "error-rate":
        r = float(expected.rate or 0)
        n = np.bincount(codes, minlength=k).astype(float)
        m1 = np.divide(np.bincount(codes, paid, k), n, out=np.zeros(k), where=n > 0)
        m2 = np.divide(np.bincount(codes, paid**2, k), n, out=np.zeros(k), where=n > 0)
        return np.sqrt((r * m2 - (r * m1) ** 2).clip(min=0))
    return np.full(k, float(expected.std_dev or 0))


def expected_total(expected: Expected, paid: np.ndarray) -> float:
    """Return the expected total overpayment of the whole frame (certainty claims included)."""
    if expected.basis == "audit":
        assert expected.values is not None
        return float(expected.values.sum())
    if expected.basis == "error-rate":
        return float(expected.rate or 0) * float(paid.sum())
    return float(expected.mean or 0) * len(paid)
