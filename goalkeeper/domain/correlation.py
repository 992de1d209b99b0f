"""Correlation between a leading and a lagging series, and its best lag (docs/signals.md).

Both series are given on the same consecutive periods (index i is one period in both),
with None where a period has no value. At lag L the leading value of period i is paired
with the lagging value of period i + L; only periods where both have a value count. This
is correlation over the shared history, never a claim of cause.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from goalkeeper.domain.limits import total

# Fewer shared periods than this give no correlation: with 3 or 4 points almost any
# pair of series looks strongly correlated.
MIN_PAIRS = 5


@dataclass(frozen=True)
class LaggedCorrelation:
    """Pearson's r between the leading series and the lagging one `lag` periods later,
    over `count` shared periods."""

    lag: int
    r: float
    count: int


def pearson(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson's correlation coefficient of `(x, y)` pairs, between -1 and 1.

    None with fewer than MIN_PAIRS pairs or when either side does not vary.
    """
    n = len(pairs)
    if n < MIN_PAIRS:
        return None
    mean_x = total(x for x, _ in pairs) / n
    mean_y = total(y for _, y in pairs) / n
    sxx = total((x - mean_x) ** 2 for x, _ in pairs)
    syy = total((y - mean_y) ** 2 for _, y in pairs)
    sxy = total((x - mean_x) * (y - mean_y) for x, y in pairs)
    denominator = math.sqrt(sxx) * math.sqrt(syy)
    if not denominator > 0 or not math.isfinite(denominator):
        return None
    # Rounding can carry r a hair beyond +-1.
    return max(-1.0, min(1.0, sxy / denominator))


def shared_pairs(
    leading: Sequence[float | None], lagging: Sequence[float | None], lag: int = 0
) -> list[tuple[float, float]]:
    """The pairs (leading of period i, lagging of period i + lag) where both have a value."""
    return [
        (x, y)
        for x, y in zip(leading, lagging[lag:], strict=False)
        if x is not None and y is not None
    ]


def lagged_correlation(
    leading: Sequence[float | None], lagging: Sequence[float | None], lag: int = 0
) -> LaggedCorrelation | None:
    """The correlation at one lag (0 or more periods); None with too few shared periods."""
    if lag < 0:
        raise ValueError(f"lag must be 0 or more, not {lag}")
    pairs = shared_pairs(leading, lagging, lag)
    r = pearson(pairs)
    return None if r is None else LaggedCorrelation(lag=lag, r=r, count=len(pairs))


def best_lag(
    leading: Sequence[float | None], lagging: Sequence[float | None], max_lag: int
) -> LaggedCorrelation | None:
    """The lag in 0..max_lag with the strongest correlation (largest |r|).

    A tie goes to the shorter lag. None when no lag has enough shared periods.
    """
    best: LaggedCorrelation | None = None
    for lag in range(max_lag + 1):
        found = lagged_correlation(leading, lagging, lag)
        if found is not None and (best is None or abs(found.r) > abs(best.r)):
            best = found
    return best
