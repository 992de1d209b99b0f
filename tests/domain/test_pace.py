from datetime import UTC, date, datetime, timedelta

import pytest

from goalkeeper.domain.pace import PaceStatus, PaceThresholds, elapsed_share, pace_status

START = date(2026, 1, 1)
END = date(2026, 1, 11)
NOW = datetime(2026, 1, 6, 12, tzinfo=UTC)
RECENT = NOW - timedelta(days=1)


def status(score, today=date(2026, 1, 6), last_check_in=RECENT, now=NOW, **thresholds):
    return pace_status(score, START, END, today, last_check_in, now, PaceThresholds(**thresholds))


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2025, 12, 1), 0.0),
        (START, 0.0),
        (date(2026, 1, 6), 0.5),
        (END, 1.0),
        (date(2026, 2, 1), 1.0),
    ],
)
def test_elapsed_share_runs_from_zero_to_one_over_the_cycle(today, share):
    assert elapsed_share(START, END, today) == share


def test_cycle_without_length_is_fully_elapsed_once_it_starts():
    assert elapsed_share(START, START, START) == 1.0
    assert elapsed_share(START, START, date(2025, 12, 31)) == 0.0


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.6, PaceStatus.ON_TRACK),
        (0.4, PaceStatus.ON_TRACK),
        (0.39, PaceStatus.AT_RISK),
        (0.25, PaceStatus.AT_RISK),
        (0.24, PaceStatus.OFF_TRACK),
        (0.0, PaceStatus.OFF_TRACK),
    ],
)
def test_pace_compares_the_score_with_the_elapsed_share(score, expected):
    # Halfway through the cycle: on track down to 0.4, at risk down to 0.25.
    assert status(score) == expected


def test_thresholds_on_the_boundary_are_not_lost_to_float_rounding():
    # Four fifths of the cycle elapsed: 0.7 - 0.8 is -0.10000000000000009 in floats.
    today = date(2026, 1, 9)

    assert elapsed_share(START, END, today) == 0.8
    assert pace_status(0.7, START, END, today, RECENT, NOW) == PaceStatus.ON_TRACK


def test_key_result_without_check_in_is_not_started_whatever_its_score():
    assert status(1.0, last_check_in=None) == PaceStatus.NOT_STARTED


def test_check_in_older_than_fourteen_days_is_stale():
    assert status(1.0, last_check_in=NOW - timedelta(days=14, seconds=1)) == PaceStatus.STALE


def test_check_in_exactly_fourteen_days_old_is_not_yet_stale():
    assert status(1.0, last_check_in=NOW - timedelta(days=14)) == PaceStatus.ON_TRACK


def test_workspace_thresholds_replace_the_defaults():
    assert status(0.45, on_track=-0.01, at_risk=-0.05) == PaceStatus.AT_RISK
    assert status(0.4, on_track=-0.01, at_risk=-0.05) == PaceStatus.OFF_TRACK
    assert status(1.0, last_check_in=NOW - timedelta(days=3), stale_days=2) == PaceStatus.STALE
