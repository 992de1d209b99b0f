"""Calendar periods for KPI frequencies and aggregation of measurements into them.

Periods are built in the tzinfo of the datetime they are asked about; callers convert to
the workspace's zone first, so that "a day" is the workspace's day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from goalkeeper.domain.instants import instant, shift
from goalkeeper.domain.limits import total


class Frequency(StrEnum):
    """How often a KPI is measured; one period per step. Ordered from finest to coarsest."""

    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Aggregation(StrEnum):
    """How the measurements inside one period combine into the period's value."""

    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    MIN = "min"
    MAX = "max"


_NOMINAL_LENGTH: dict[Frequency, timedelta] = {
    Frequency.HOURLY: timedelta(hours=1),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=7),
    Frequency.MONTHLY: timedelta(days=30),
    Frequency.QUARTERLY: timedelta(days=91),
    Frequency.YEARLY: timedelta(days=365),
}
_MONTHS_PER_PERIOD: dict[Frequency, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.YEARLY: 12,
}
# The smallest step of time a datetime can express: stepping back by it from a period's
# start lands in the previous period.
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Period:
    """A half-open span of time `[start, end)`.

    Compare boundaries with `contains` or in UTC: Python compares two datetimes sharing a
    tzinfo by wall clock, so the two "02:00" of an autumn night would look equal.
    """

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` falls inside the period, judged on real instants."""
        return instant(self.start) <= instant(moment) < instant(self.end)


def nominal_length(frequency: Frequency) -> timedelta:
    """Typical length of one period (a month counts as 30 days), used to judge staleness."""
    return _NOMINAL_LENGTH[frequency]


def period_of(ts: datetime, frequency: Frequency, fiscal_year_start_month: int = 1) -> Period:
    """The period of `frequency` that contains `ts`, in `ts`'s own tzinfo.

    Weeks are ISO weeks starting on Monday; quarters and years start on the fiscal year's
    first month (with 4, quarters run Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar).
    """
    zone = ts.tzinfo
    if zone is not None:
        # Normalise a wall time that never existed (inside a spring-forward gap).
        ts = ts.astimezone(UTC).astimezone(zone)
    if frequency is Frequency.HOURLY:
        # Floor on the wall clock but step one real hour: in an autumn fold the two "02:00"
        # hours are distinct periods, told apart by `fold`.
        start = ts.replace(minute=0, second=0, microsecond=0)
        return Period(start, shift(start, timedelta(hours=1)))
    day = ts.date()
    if frequency is Frequency.DAILY:
        return _days(day, day + timedelta(days=1), zone)
    if frequency is Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return _days(monday, monday + timedelta(days=7), zone)
    step = _MONTHS_PER_PERIOD[frequency]
    month_index = day.year * 12 + day.month - 1
    # Count months from the fiscal year's first month so quarters and years align on it.
    first = month_index - (month_index - (fiscal_year_start_month - 1)) % step
    return _days(_month_start(first), _month_start(first + step), zone)


def _month_start(month_index: int) -> date:
    year, month0 = divmod(month_index, 12)
    return date(year, month0 + 1, 1)


def _days(first: date, end: date, zone: tzinfo | None) -> Period:
    return Period(_midnight(first, zone), _midnight(end, zone))


def _midnight(day: date, zone: tzinfo | None) -> datetime:
    """The first instant of `day` in `zone`.

    Built from the wall-clock date rather than by adding timedeltas to an aware datetime,
    which adds wall time and drifts by the daylight-saving offset. Where midnight does not
    exist (a zone that springs forward at 00:00), the round trip through UTC moves it to the
    first real instant of the day; where it exists twice, fold=0 picks the first.
    """
    wall = datetime(day.year, day.month, day.day, tzinfo=zone)
    if zone is None:
        return wall
    return wall.astimezone(UTC).astimezone(zone)


def previous_period(
    period: Period, frequency: Frequency, fiscal_year_start_month: int = 1
) -> Period:
    """The period of `frequency` just before `period`."""
    return period_of(shift(period.start, -_TICK), frequency, fiscal_year_start_month)


def next_period(period: Period, frequency: Frequency, fiscal_year_start_month: int = 1) -> Period:
    """The period of `frequency` just after `period` (starting at its exclusive end)."""
    return period_of(period.end, frequency, fiscal_year_start_month)


def latest_complete_period(
    now: datetime, frequency: Frequency, fiscal_year_start_month: int = 1
) -> Period:
    """The last period that has ended at `now`: the one before the period containing it."""
    current = period_of(now, frequency, fiscal_year_start_month)
    return previous_period(current, frequency, fiscal_year_start_month)


def aggregate(points: Sequence[tuple[datetime, float]], aggregation: Aggregation) -> float | None:
    """Combine measurements by `aggregation`; None when there are none.

    `last` takes the value with the latest timestamp; on a tie, the one listed last.
    """
    if not points:
        return None
    return _combine(points, aggregation)


def _combine(points: Sequence[tuple[datetime, float]], aggregation: Aggregation) -> float:
    """`aggregate` for a non-empty list of measurements."""
    values = [value for _, value in points]
    # `total`, not `math.fsum`: rows stored before the limits could overflow it and raise.
    if aggregation is Aggregation.SUM:
        return total(values)
    if aggregation is Aggregation.AVERAGE:
        return total(values) / len(values)
    if aggregation is Aggregation.MIN:
        return min(values)
    if aggregation is Aggregation.MAX:
        return max(values)
    latest_at, latest = points[0]
    for moment, value in points[1:]:
        if instant(moment) >= instant(latest_at):
            latest_at, latest = moment, value
    return latest


@dataclass(frozen=True)
class PeriodValue:
    """The aggregated value of one period and how many measurements made it."""

    period: Period
    value: float
    count: int


def aggregate_by_period(
    points: Iterable[tuple[datetime, float]],
    frequency: Frequency,
    aggregation: Aggregation,
    fiscal_year_start_month: int = 1,
) -> list[PeriodValue]:
    """Group measurements into periods of `frequency` and aggregate each; sorted by start.

    Periods without measurements are absent, not zero.
    """
    groups: dict[tuple[datetime, datetime], tuple[Period, list[tuple[datetime, float]]]] = {}
    for moment, value in points:
        period = period_of(moment, frequency, fiscal_year_start_month)
        # Key on UTC instants: two periods sharing a wall-clock start in a fold must differ.
        key = (instant(period.start), instant(period.end))
        groups.setdefault(key, (period, []))[1].append((moment, value))
    result: list[PeriodValue] = []
    for key in sorted(groups):
        period, members = groups[key]
        result.append(PeriodValue(period, _combine(members, aggregation), len(members)))
    return result


def coarser_frequencies(frequency: Frequency) -> list[Frequency]:
    """Frequencies with longer periods than `frequency`, finest first (for roll-up views)."""
    order = list(Frequency)
    return order[order.index(frequency) + 1 :]
