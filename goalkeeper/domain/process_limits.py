"""Process limits (XmR) of a KPI and the signals they show (docs/signals.md).

The baseline is the first 20 periods with a value (all of them when fewer, at least 6), or
a range set after a process change. Centre `c` = mean of the baseline values, moving ranges
`mR_i = |x_i - x_{i-1}|` over consecutive baseline values with mean `mR`; natural process
limits `c +/- 2.66 mR`, upper range limit `3.268 mR`.

Every comparison is made in exact rational arithmetic (`fractions.Fraction` of the stored
floats), so a value exactly on a limit or a midpoint is judged the same way whatever the
units: adding a constant to every value or scaling them all never changes a signal.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

P = TypeVar("P", bound=Hashable)

BASELINE_PERIODS = 20
MIN_BASELINE_PERIODS = 6
# Wheeler's scaling factors for moving ranges of two values (3 / d2 and D4).
LIMIT_FACTOR = Fraction("2.66")
RANGE_FACTOR = Fraction("3.268")
THREE_OF_FOUR_WINDOW = 4
THREE_OF_FOUR_COUNT = 3
RUN_LENGTH = 8


class Rule(StrEnum):
    """The signal rules, named as in the API; listed from strongest to weakest."""

    OUTSIDE_LIMITS = "outside_limits"
    THREE_OF_FOUR = "three_of_four"
    RUN_OF_EIGHT = "run_of_eight"


# When several rules mark one period, the one listed first is reported: a value beyond a
# limit is the clearest evidence of a change, a run of eight the most gradual.
RULE_PRECEDENCE: tuple[Rule, ...] = (Rule.OUTSIDE_LIMITS, Rule.THREE_OF_FOUR, Rule.RUN_OF_EIGHT)


class Side(StrEnum):
    """Which side of the centre a signal lies on."""

    UPPER = "upper"
    LOWER = "lower"


@dataclass(frozen=True)
class BaselineRange(Generic[P]):
    """A baseline chosen by the user: the periods from `first` to `last` (both included).

    Either end may be None: from the first period, or up to the latest one.
    """

    first: P | None = None
    last: P | None = None


@dataclass(frozen=True)
class Baseline(Generic[P]):
    """The periods the limits were computed from: the first, the last and how many."""

    first: P
    last: P
    count: int


@dataclass(frozen=True)
class Limits(Generic[P]):
    """Centre line, natural process limits and the moving-range chart of a baseline."""

    centre: float
    lower: float
    upper: float
    moving_ranges: tuple[float, ...]
    moving_range_mean: float
    moving_range_upper: float
    baseline: Baseline[P]


@dataclass(frozen=True)
class Signal(Generic[P]):
    """A period marked by a rule, with its value and the side of the centre."""

    period: P
    value: float
    rule: Rule
    side: Side


@dataclass(frozen=True)
class ProcessChart(Generic[P]):
    """Limits of a KPI, the signals of every period, and the latest period's signal."""

    limits: Limits[P]
    signals: tuple[Signal[P], ...]
    latest: Signal[P] | None


def select_baseline(
    points: Sequence[tuple[P, float | None]], chosen: BaselineRange[P] | None = None
) -> list[tuple[P, float]]:
    """The baseline points: the first 20 with a value, or those inside `chosen`.

    Periods without a value are skipped. Returns an empty list when fewer than 6 values are
    available: "not enough data". A range whose end is not among the periods selects
    nothing.
    """
    valued = [(period, value) for period, value in points if value is not None]
    selected = valued[:BASELINE_PERIODS] if chosen is None else _inside(valued, chosen)
    return selected if len(selected) >= MIN_BASELINE_PERIODS else []


def _inside(valued: list[tuple[P, float]], chosen: BaselineRange[P]) -> list[tuple[P, float]]:
    periods = [period for period, _ in valued]
    start = 0 if chosen.first is None else _position(periods, chosen.first)
    end = len(valued) - 1 if chosen.last is None else _position(periods, chosen.last)
    if start is None or end is None:
        return []
    return valued[start : end + 1]


def _position(periods: list[P], period: P) -> int | None:
    return periods.index(period) if period in periods else None


@dataclass(frozen=True)
class _ExactLimits:
    centre: Fraction
    lower: Fraction
    upper: Fraction
    mean_range: Fraction
    ranges: tuple[Fraction, ...]


def _exact_limits(values: Sequence[float]) -> _ExactLimits:
    exact = [Fraction(value) for value in values]
    centre = sum(exact, Fraction(0)) / len(exact)
    ranges = tuple(abs(b - a) for a, b in itertools.pairwise(exact))
    mean_range = sum(ranges, Fraction(0)) / len(ranges)
    return _ExactLimits(
        centre=centre,
        lower=centre - LIMIT_FACTOR * mean_range,
        upper=centre + LIMIT_FACTOR * mean_range,
        mean_range=mean_range,
        ranges=ranges,
    )


def process_limits(
    points: Sequence[tuple[P, float | None]], chosen: BaselineRange[P] | None = None
) -> Limits[P] | None:
    """Centre, natural process limits and upper range limit of the baseline of `points`.

    `points` are a KPI's periods in time order with their values (None when a period has
    none). Returns None when the baseline holds fewer than 6 values.
    """
    baseline = select_baseline(points, chosen)
    if not baseline:
        return None
    return _limits(baseline, _exact_limits([value for _, value in baseline]))


def _limits(baseline: list[tuple[P, float]], exact: _ExactLimits) -> Limits[P]:
    return Limits(
        centre=float(exact.centre),
        lower=float(exact.lower),
        upper=float(exact.upper),
        moving_ranges=tuple(float(r) for r in exact.ranges),
        moving_range_mean=float(exact.mean_range),
        moving_range_upper=float(RANGE_FACTOR * exact.mean_range),
        baseline=Baseline(first=baseline[0][0], last=baseline[-1][0], count=len(baseline)),
    )


def process_chart(
    points: Sequence[tuple[P, float | None]], chosen: BaselineRange[P] | None = None
) -> ProcessChart[P] | None:
    """Limits from the baseline and the signals of every period with a value.

    Every period is tested, inside the baseline and after it. A period marked by several
    rules carries one signal, the first in `RULE_PRECEDENCE`. `latest` is the signal of the
    latest period with a value, or None when that period shows none. Returns None with
    "not enough data" (fewer than 6 baseline values).
    """
    baseline = select_baseline(points, chosen)
    if not baseline:
        return None
    exact = _exact_limits([value for _, value in baseline])
    valued = [(period, value) for period, value in points if value is not None]
    marks = _marks([Fraction(value) for _, value in valued], exact)
    signals = tuple(
        Signal(period=period, value=value, rule=mark[0], side=mark[1])
        for (period, value), mark in zip(valued, marks, strict=True)
        if mark is not None
    )
    latest = signals[-1] if signals and signals[-1].period == valued[-1][0] else None
    return ProcessChart(limits=_limits(baseline, exact), signals=signals, latest=latest)


Mark = tuple[Rule, Side]


def _marks(values: list[Fraction], exact: _ExactLimits) -> list[Mark | None]:
    """The strongest rule marking each value, with its side."""
    by_rule = {
        Rule.OUTSIDE_LIMITS: _outside_limits(values, exact),
        Rule.THREE_OF_FOUR: _three_of_four(values, exact),
        Rule.RUN_OF_EIGHT: _run_of_eight(values, exact.centre),
    }
    marks: list[Mark | None] = [None] * len(values)
    # Weakest first, so that a stronger rule overwrites it.
    for rule in reversed(RULE_PRECEDENCE):
        for index, side in enumerate(by_rule[rule]):
            if side is not None:
                marks[index] = (rule, side)
    return marks


def _outside_limits(values: list[Fraction], exact: _ExactLimits) -> list[Side | None]:
    """A value beyond a limit (a value exactly on a limit is inside)."""
    return [
        Side.UPPER if x > exact.upper else Side.LOWER if x < exact.lower else None for x in values
    ]


def _three_of_four(values: list[Fraction], exact: _ExactLimits) -> list[Side | None]:
    """Values nearer to a limit than to the centre, 3 of them within 4 consecutive values.

    A value is nearer to the upper limit than to the centre when it lies beyond their
    midpoint (a value beyond the limit is nearer still). Each value taking part in such a
    group is marked; the one value of the four that is not beyond the midpoint is not.
    """
    upper_mid = (exact.centre + exact.upper) / 2
    lower_mid = (exact.centre + exact.lower) / 2
    marks: list[Side | None] = [None] * len(values)
    for side, beyond in (
        (Side.UPPER, [x > upper_mid for x in values]),
        (Side.LOWER, [x < lower_mid for x in values]),
    ):
        for start in range(len(values) - THREE_OF_FOUR_WINDOW + 1):
            window = range(start, start + THREE_OF_FOUR_WINDOW)
            if sum(beyond[i] for i in window) >= THREE_OF_FOUR_COUNT:
                for i in window:
                    if beyond[i]:
                        marks[i] = side
    return marks


def _run_of_eight(values: list[Fraction], centre: Fraction) -> list[Side | None]:
    """Values in a run of 8 or more consecutive values on the same side of the centre.

    A value exactly on the centre belongs to neither side and ends a run.
    """
    sides = [Side.UPPER if x > centre else Side.LOWER if x < centre else None for x in values]
    marks: list[Side | None] = [None] * len(values)
    start = 0
    while start < len(sides):
        end = start
        while end + 1 < len(sides) and sides[end + 1] == sides[start]:
            end += 1
        if sides[start] is not None and end - start + 1 >= RUN_LENGTH:
            marks[start : end + 1] = [sides[start]] * (end - start + 1)
        start = end + 1
    return marks
