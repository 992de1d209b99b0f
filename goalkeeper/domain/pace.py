"""Pace status of a key result or objective during its cycle (docs/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from goalkeeper.domain.instants import elapsed
from goalkeeper.domain.key_results import clamp

# Gaps are differences of floats such as 0.4 - 0.5 = -0.09999999999999998; this tolerance
# keeps a gap that is exactly on a threshold in decimal terms on the lenient side.
_TOLERANCE = 1e-9


class PaceStatus(StrEnum):
    """Whether the score keeps up with the time elapsed in the cycle."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_STARTED = "not_started"
    STALE = "stale"


@dataclass(frozen=True)
class PaceThresholds:
    """Workspace settings: the lowest gaps that still count as on track and at risk."""

    on_track: float = -0.10
    at_risk: float = -0.25
    stale_days: int = 14


def elapsed_share(start: date, end: date, today: date) -> float:
    """Share `e` of the cycle elapsed on `today`, bounded to 0..1."""
    length = (end - start).days
    if length <= 0:
        # A cycle without length is over once it starts.
        return 1.0 if today >= start else 0.0
    return clamp((today - start).days / length, 0.0, 1.0)


def pace_status(
    score: float,
    start: date,
    end: date,
    today: date,
    last_check_in: datetime | None,
    now: datetime,
    thresholds: PaceThresholds = PaceThresholds(),
    expected: float | None = None,
) -> PaceStatus:
    """Compare the score `s` with the elapsed share `e` through the gap `g = s - e`.

    `expected`, when given, replaces `e`: the score phased targets expect by `today`
    (`phasing.expected_score`), for a key result whose pace is not a straight line.
    Silence is never green: no check-in yet is `not_started` and an old one is `stale`,
    whatever the score says.
    """
    if last_check_in is None:
        return PaceStatus.NOT_STARTED
    if elapsed(now, last_check_in) > timedelta(days=thresholds.stale_days):
        return PaceStatus.STALE
    if expected is None:
        expected = elapsed_share(start, end, today)
    gap = score - expected
    if gap >= thresholds.on_track - _TOLERANCE:
        return PaceStatus.ON_TRACK
    if gap >= thresholds.at_risk - _TOLERANCE:
        return PaceStatus.AT_RISK
    return PaceStatus.OFF_TRACK
