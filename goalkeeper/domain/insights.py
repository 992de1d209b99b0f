"""The arithmetic of insights: deciles, shares, the cycle's weeks.

Pure functions on plain values (docs/insights.md); the figures they summarise come from the
OKR and KPI read models, never from here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

DECILES = 10


def decile(value: float) -> int:
    """The decile (0..9) a progress in 0..1 falls in: 0-9% is 0, 90-100% is 9.

    Values outside 0..1 are clamped; a progress of exactly 1.0 belongs to the top decile.
    """
    if math.isnan(value):
        return 0
    bounded = min(max(value, 0.0), 1.0)
    # Rounded first so that 0.3 (0.29999... in binary arithmetic) lands in the 30% bin.
    return min(int(round(bounded * 100, 6) // 10), DECILES - 1)


def decile_histogram(values: Iterable[float | None]) -> tuple[int, ...]:
    """How many of `values` fall in each decile; None (no progress) is left out."""
    counts = [0] * DECILES
    for value in values:
        if value is not None:
            counts[decile(value)] += 1
    return tuple(counts)


def decile_labels() -> tuple[str, ...]:
    """The deciles' names: "0-10%" ... "90-100%"."""
    return tuple(f"{n * 10}-{(n + 1) * 10}%" for n in range(DECILES))


def share(part: int, whole: int) -> float | None:
    """`part / whole` in 0..1, or None when there is nothing to take a share of."""
    if whole <= 0:
        return None
    return min(max(part, 0), whole) / whole


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def cycle_weeks(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, ...]:
    """The Mondays of the cycle's weeks so far: from the week of `start` to the week of the
    earlier of `end` and `today`; none before the cycle starts."""
    last = min(end, today)
    if last < start:
        return ()
    weeks: list[dt.date] = []
    monday = week_of(start)
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return tuple(weeks)
