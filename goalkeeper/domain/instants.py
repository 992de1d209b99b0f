"""Comparing and subtracting datetimes as real instants.

Python compares and subtracts two aware datetimes that share a tzinfo object by their
wall-clock readings, ignoring the UTC offset and `fold`. Across a daylight-saving change that
is off by an hour (an hourly KPI's staleness, two "02:00" in the autumn), so every
comparison in the domain goes through these helpers instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def instant(moment: datetime) -> datetime:
    """Return `moment` in UTC so that comparisons use the real instant.

    Naive datetimes are returned unchanged: they carry no offset, and converting them would
    silently read the server's zone.
    """
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC)


def elapsed(later: datetime, earlier: datetime) -> timedelta:
    """Real time between two datetimes, correct across daylight-saving changes."""
    return instant(later) - instant(earlier)


def shift(moment: datetime, delta: timedelta) -> datetime:
    """Move `moment` by real elapsed time and express the result in its own zone.

    Adding a timedelta to an aware datetime adds wall-clock time, which can land in a
    daylight-saving gap (a time that never existed) or keep the wrong side of a fold.
    """
    if moment.tzinfo is None:
        return moment + delta
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)
