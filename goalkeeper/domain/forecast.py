"""Least-squares lines: forecasting a key result and the slope behind a KPI trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from goalkeeper.domain.instants import elapsed


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares `(slope, intercept)` through `(x, y)` points.

    Returns None with fewer than two distinct x: no line is determined.
    """
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    # Centred sums keep precision when x are large (seconds since the epoch, say).
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in points)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in points)
    if sxx == 0:
        # Distinct x so close that their spread underflows: treat as one x.
        return None
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def series_slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of equally spaced values; 0.0 with fewer than two."""
    fit = linear_fit([(float(index), value) for index, value in enumerate(values)])
    return 0.0 if fit is None else fit[0]


def forecast(points: Sequence[tuple[datetime, float]], at: datetime) -> float | None:
    """Project the least-squares line through timed values to the instant `at`.

    Returns None with a single point, or when all points share one instant.
    """
    if not points:
        return None
    # Seconds from the first point rather than from the epoch, for precision.
    origin = points[0][0]
    fit = linear_fit([(elapsed(moment, origin).total_seconds(), y) for moment, y in points])
    if fit is None:
        return None
    slope, intercept = fit
    return slope * elapsed(at, origin).total_seconds() + intercept
