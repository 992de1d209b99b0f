"""Least-squares lines: forecasting a key result and the slope behind a KPI trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from goalkeeper.domain.instants import elapsed
from goalkeeper.domain.limits import finite_or_none, total


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares `(slope, intercept)` through `(x, y)` points.

    Returns None with fewer than two distinct x: no line is determined; also when the line
    is no finite number, which only values beyond the limits (docs/scoring.md) can cause.
    """
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = total(x for x, _ in points) / n
    mean_y = total(y for _, y in points) / n
    # Centred sums keep precision when x are large (seconds since the epoch, say).
    sxx = total((x - mean_x) ** 2 for x, _ in points)
    sxy = total((x - mean_x) * (y - mean_y) for x, y in points)
    if sxx == 0:
        # Distinct x so close that their spread underflows: treat as one x.
        return None
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    if not (math.isfinite(slope) and math.isfinite(intercept)):
        return None
    return slope, intercept


def series_slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of equally spaced values; 0.0 with fewer than two."""
    fit = linear_fit([(float(index), value) for index, value in enumerate(values)])
    return 0.0 if fit is None else fit[0]


def forecast(points: Sequence[tuple[datetime, float]], at: datetime) -> float | None:
    """Project the least-squares line through timed values to the instant `at`.

    Returns None with a single point, when all points share one instant, or when the
    projection is no finite number.
    """
    if not points:
        return None
    # Seconds from the first point rather than from the epoch, for precision.
    origin = points[0][0]
    fit = linear_fit([(elapsed(moment, origin).total_seconds(), y) for moment, y in points])
    if fit is None:
        return None
    slope, intercept = fit
    return finite_or_none(slope * elapsed(at, origin).total_seconds() + intercept)
