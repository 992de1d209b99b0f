"""The weekly rhythm's schedule math: which week a moment belongs to, and when in that week a
reminder or digest falls due, in a workspace's time zone (docs/digests.md).

A week runs from Monday 00:00 to the next Monday 00:00 in local time, so its length in real
time is not always seven days: across a daylight-saving change it is an hour shorter or
longer. A local wall-clock time can also fail to exist (02:30 on a spring-forward day) or
exist twice (01:30 on a fall-back day); `local_instant` settles both once, and every other
function goes through it:

- a time that never existed moves to the first valid instant after it (the change itself);
- a time that exists twice takes its first occurrence.

Stdlib only (zoneinfo zones or any `tzinfo`); instants in and out are aware datetimes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ONE_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True, order=True)
class Week:
    """A local week, named by its Monday."""

    monday: dt.date

    def __post_init__(self) -> None:
        if self.monday.weekday() != 0:
            raise ValueError(f"a week starts on a Monday, not on {self.monday.isoformat()}")

    @property
    def iso(self) -> tuple[int, int]:
        """ISO year and week number (2026, 14)."""
        year, week, _ = self.monday.isocalendar()
        return year, week

    @property
    def label(self) -> str:
        """The ISO name of the week: "2026-W14"."""
        year, week = self.iso
        return f"{year}-W{week:02d}"

    def day(self, weekday: int) -> dt.date:
        """The date of `weekday` (0 Monday ... 6 Sunday) in this week."""
        return self.monday + dt.timedelta(days=weekday)

    @property
    def next(self) -> Week:
        """The week after this one."""
        return Week(self.monday + dt.timedelta(days=7))


def week_containing(day: dt.date) -> Week:
    """The week (Monday to Sunday) a local date belongs to."""
    return Week(day - dt.timedelta(days=day.weekday()))


def week_of(moment: dt.datetime, zone: dt.tzinfo) -> Week:
    """The local week an instant belongs to in `zone`."""
    return week_containing(_aware(moment).astimezone(zone).date())


def local_instant(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`.

    A wall time that never existed (skipped by a daylight-saving change) becomes the first
    valid instant after it, the moment of the change; one that occurred twice becomes its
    first occurrence (`fold=0`).
    """
    wall = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap zoneinfo reads fold=0 with the offset from before the change (a later
    # instant) and fold=1 with the offset after it (an earlier one): the change lies between.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    low, high = min(first, other), max(first, other)
    return _first_instant_after_gap(low, high, wall, zone)


def _first_instant_after_gap(
    low: dt.datetime, high: dt.datetime, wall: dt.datetime, zone: dt.tzinfo
) -> dt.datetime:
    """The first instant in [low, high] whose local reading is later than `wall`.

    Local readings grow with the instant except at a change, so a bisection to the second
    finds the change (changes happen on whole seconds).
    """
    first, last = math.floor(low.timestamp()), math.ceil(high.timestamp())
    while last - first > 1:
        middle = (first + last) // 2
        if dt.datetime.fromtimestamp(middle, zone).replace(tzinfo=None) > wall:
            last = middle
        else:
            first = middle
    return dt.datetime.fromtimestamp(last, dt.UTC)


def week_start(week: Week, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant the week begins: its Monday at 00:00 local."""
    return local_instant(week.monday, dt.time(0, 0), zone)


def week_end(week: Week, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant the week ends: the next Monday at 00:00 local (exclusive)."""
    return week_start(week.next, zone)


def due_at(week: Week, weekday: int, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of "`weekday` at `at` local" in `week`.

    Kept inside the week: should a skipped hour cross midnight into the next Monday, the
    last second of the week stands in for it, so every week still falls due once.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    moment = local_instant(week.day(weekday), at, zone)
    return min(moment, week_end(week, zone) - _ONE_SECOND)


def is_due(now: dt.datetime, zone: dt.tzinfo, weekday: int, at: dt.time) -> Week | None:
    """The week whose "`weekday` at `at`" has come at `now`, or None before it.

    Due from that instant until the week ends in local time: a job that runs late (a worker
    down over the weekend) still sends this week's, never last week's.
    """
    week = week_of(now, zone)
    return week if _aware(now) >= due_at(week, weekday, at, zone) else None


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("an instant must carry its time zone")
    return moment
