"""Phased targets: the value a key result is expected to have reached by a date
(docs/signals.md).

A key result may follow phased targets instead of a straight line from start to target:
the value expected by given dates (typically each month's end), typed in or taken from last
year's shape of its linked KPI. Between them the expected value runs linearly, from the
start value at the cycle start; after the last one it stays there. The score of that
expected value takes the place of the elapsed share in the pace status
(`pace.pace_status(..., expected=...)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.key_results import KeyResultSpec, interpolate, score
from goalkeeper.domain.limits import check_value


@dataclass(frozen=True)
class Phase:
    """The value expected by the end of the day `until`."""

    until: date
    value: float


@dataclass(frozen=True)
class ExpectedPath:
    """A key result's expected path: from `start_value` on `start` through its phases."""

    start: date
    start_value: float
    phases: tuple[Phase, ...]

    def value_at(self, day: date) -> float:
        """The value the path expects by `day` (`expected_value`)."""
        return expected_value(self.start, self.start_value, self.phases, day)


def validate_phases(start: date, end: date, phases: Sequence[Phase]) -> list[FieldError]:
    """Every reason `phases` cannot be saved for a cycle from `start` to `end`.

    Dates must lie after the cycle start and no later than its end, each after the one
    before; values must be finite numbers within the limits.
    """
    errors: list[FieldError] = []
    for index, phase in enumerate(phases):
        errors += check_value(f"phases[{index}].value", phase.value)
        if not start < phase.until <= end:
            errors.append(FieldError(f"phases[{index}].until", "must lie inside the cycle"))
    for index, (before, after) in enumerate(pairwise(phases), start=1):
        if not after.until > before.until:
            errors.append(FieldError(f"phases[{index}].until", "must come after the one before"))
    return errors


def expected_value(start: date, start_value: float, phases: Sequence[Phase], today: date) -> float:
    """The value the phased targets expect by `today`, linear between them.

    Runs from `start_value` at `start` through each phase (valid phases, in date order);
    the start value before `start`, the last phase's value after its date.
    """
    curve = [(float(start.toordinal()), start_value)]
    curve += [(float(phase.until.toordinal()), phase.value) for phase in phases]
    return interpolate(curve, float(today.toordinal()))


def expected_score(
    spec: KeyResultSpec, start: date, phases: Sequence[Phase], today: date
) -> float | None:
    """The score the phased targets expect by `today`: the `e` of the pace status.

    Scored like a check-in (`key_results.score`), so zones apply. None when the key result
    has no start value or no phases are set: then the pace is the straight line.
    """
    if spec.start is None or not phases:
        return None
    return score(spec, expected_value(start, spec.start, phases, today))


def phases_from_shape(
    start_value: float,
    target: float,
    ends: Sequence[date],
    last_year: Sequence[float],
) -> tuple[Phase, ...] | None:
    """Phases that follow the shape of last year's values of a linked KPI.

    `last_year` holds the KPI's value just before the matching cycle began, then its value
    at each of `ends` a year earlier. The phase at each end moves the same share of the way
    from `start_value` to `target` as the KPI had moved of its whole change by then. None
    when the lengths do not match, or the KPI ended where it began (no shape to follow).
    """
    if len(last_year) != len(ends) + 1 or not ends:
        return None
    first, last = last_year[0], last_year[-1]
    if last == first:
        return None
    return tuple(
        Phase(
            until=on, value=start_value + (target - start_value) * (value - first) / (last - first)
        )
        for on, value in zip(ends, last_year[1:], strict=True)
    )


def month_ends(start: date, end: date) -> tuple[date, ...]:
    """The dates a cycle from `start` to `end` takes phased targets on: each month's last
    day after `start`, and `end` itself when it is not one."""
    ends: list[date] = []
    year, month = start.year, start.month
    while True:
        last = _last_day(year, month)
        if last > end:
            break
        if last > start:
            ends.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not ends or ends[-1] != end:
        ends.append(end)
    return tuple(ends)


def year_earlier(day: date) -> date:
    """The same day a year before; 29 February becomes the 28th."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _last_day(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)
