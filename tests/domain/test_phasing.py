from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec
from goalkeeper.domain.pace import PaceStatus, pace_status
from goalkeeper.domain.phasing import (
    Phase,
    expected_score,
    expected_value,
    month_ends,
    phases_from_shape,
    validate_phases,
    year_earlier,
)

START = date(2026, 1, 1)
END = date(2026, 3, 31)
# A slow first quarter: 10% of the way by January's end, 40% by February's, all by March's.
PHASES = [
    Phase(date(2026, 1, 31), 110.0),
    Phase(date(2026, 2, 28), 140.0),
    Phase(date(2026, 3, 31), 200.0),
]
SPEC = KeyResultSpec(KeyResultKind.INCREASE, start=100.0, target=200.0)


@pytest.mark.parametrize(
    ("today", "value"),
    [
        (date(2025, 12, 1), 100.0),
        (START, 100.0),
        (date(2026, 1, 31), 110.0),
        (date(2026, 2, 14), 125.0),
        (END, 200.0),
        (date(2026, 5, 1), 200.0),
    ],
)
def test_expected_value_runs_linearly_between_phases(today, value):
    assert expected_value(START, 100.0, PHASES, today) == pytest.approx(value)


def test_expected_score_is_the_score_of_the_expected_value():
    assert expected_score(SPEC, START, PHASES, date(2026, 2, 14)) == pytest.approx(0.25)


def test_without_phases_or_start_there_is_no_expected_score():
    assert expected_score(SPEC, START, [], date(2026, 2, 14)) is None
    spec = KeyResultSpec(KeyResultKind.INCREASE, target=200.0)
    assert expected_score(spec, START, PHASES, date(2026, 2, 14)) is None


def test_pace_follows_the_phased_targets_instead_of_a_straight_line():
    today = date(2026, 2, 14)
    now = datetime(2026, 2, 14, 12, tzinfo=UTC)
    recent = now - timedelta(days=1)
    # Halfway through the quarter (e = 44 / 89), a score of 0.2 is off track against a
    # straight line and on track against phases expecting 0.25 by now.
    straight = pace_status(0.2, START, END, today, recent, now)
    phased = pace_status(
        0.2, START, END, today, recent, now, expected=expected_score(SPEC, START, PHASES, today)
    )

    assert straight == PaceStatus.OFF_TRACK
    assert phased == PaceStatus.ON_TRACK


def test_valid_phases_pass():
    assert validate_phases(START, END, PHASES) == []


def test_phases_outside_the_cycle_or_out_of_order_are_refused():
    phases = [
        Phase(START, 110.0),
        Phase(date(2026, 3, 1), 120.0),
        Phase(date(2026, 2, 1), float("inf")),
        Phase(date(2026, 4, 1), 130.0),
    ]

    assert validate_phases(START, END, phases) == [
        FieldError("phases[0].until", "must lie inside the cycle"),
        FieldError("phases[2].value", "must be a finite number"),
        FieldError("phases[3].until", "must lie inside the cycle"),
        FieldError("phases[2].until", "must come after the one before"),
    ]


def test_phases_follow_last_years_shape():
    ends = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]

    # Last year the KPI went 50 -> 52 -> 58 -> 70: 10%, 40% and 100% of its change.
    phases = phases_from_shape(100.0, 200.0, ends, [50.0, 52.0, 58.0, 70.0])

    assert phases is not None
    assert [phase.until for phase in phases] == ends
    assert [phase.value for phase in phases] == pytest.approx([110.0, 140.0, 200.0])


@pytest.mark.parametrize(
    ("ends", "last_year"),
    [
        ([date(2026, 1, 31)], [50.0]),
        ([], [50.0]),
        ([date(2026, 1, 31), date(2026, 2, 28)], [50.0, 60.0, 50.0]),
    ],
)
def test_no_shape_without_matching_values_or_any_change(ends, last_year):
    assert phases_from_shape(100.0, 200.0, ends, last_year) is None


@given(
    values=st.lists(st.integers(-1000, 1000).map(float), min_size=1, max_size=6),
    offset=st.integers(-30, 150),
)
def test_expected_value_stays_between_the_start_and_the_phases(values, offset):
    phases = [Phase(START + timedelta(days=20 * (i + 1)), v) for i, v in enumerate(values)]

    value = expected_value(START, 0.0, phases, START + timedelta(days=offset))

    assert min(0.0, *values) <= value <= max(0.0, *values)


@pytest.mark.parametrize(
    ("start", "end", "ends"),
    [
        (START, END, (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))),
        (date(2026, 1, 31), date(2026, 3, 15), (date(2026, 2, 28), date(2026, 3, 15))),
        (
            date(2026, 11, 15),
            date(2027, 1, 31),
            (date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31)),
        ),
        (date(2026, 3, 2), date(2026, 3, 20), (date(2026, 3, 20),)),
    ],
)
def test_month_ends_of_a_cycle(start, end, ends):
    assert month_ends(start, end) == ends


@given(start=st.dates(date(2000, 1, 1), date(2090, 1, 1)), days=st.integers(1, 800))
def test_month_ends_are_valid_phase_dates(start, days):
    end = start + timedelta(days=days)

    ends = month_ends(start, end)

    assert ends[-1] == end
    assert validate_phases(start, end, [Phase(day, 1.0) for day in ends]) == []


@pytest.mark.parametrize(
    ("day", "before"),
    [(date(2026, 3, 31), date(2025, 3, 31)), (date(2028, 2, 29), date(2027, 2, 28))],
)
def test_a_year_earlier(day, before):
    assert year_earlier(day) == before
