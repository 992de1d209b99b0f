"""The arithmetic of insights: deciles, shares and the cycle's weeks (docs/insights.md)."""

import datetime as dt
import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.insights import (
    DECILES,
    cycle_weeks,
    decile,
    decile_histogram,
    decile_labels,
    share,
    week_of,
)

progress = st.floats(min_value=-2, max_value=3, allow_nan=False)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0), (0.099, 0), (0.1, 1), (0.3, 3), (0.7, 7), (0.95, 9), (1.0, 9), (1.3, 9), (-0.2, 0)],
)
def test_a_progress_falls_in_the_decile_of_its_tens_of_percent(value, expected):
    assert decile(value) == expected


def test_nan_falls_in_the_lowest_decile():
    assert decile(math.nan) == 0


@given(progress)
def test_every_progress_has_a_decile(value):
    assert 0 <= decile(value) < DECILES


@given(st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_deciles_keep_the_order_of_progress(a, b):
    if a <= b:
        assert decile(a) <= decile(b)


@given(st.lists(st.one_of(st.none(), progress)))
def test_the_histogram_counts_every_objective_with_progress_once(values):
    counts = decile_histogram(values)
    assert len(counts) == DECILES
    assert sum(counts) == sum(1 for v in values if v is not None)


def test_the_deciles_are_named_by_their_percentages():
    labels = decile_labels()
    assert labels[0] == "0-10%"
    assert labels[-1] == "90-100%"
    assert len(labels) == DECILES


@given(st.integers(min_value=-5, max_value=100), st.integers(min_value=-5, max_value=100))
def test_a_share_is_within_zero_and_one_or_none_of_nothing(part, whole):
    found = share(part, whole)
    if whole <= 0:
        assert found is None
    else:
        assert found is not None
        assert 0 <= found <= 1


def test_a_share_is_the_part_over_the_whole():
    assert share(1, 4) == 0.25


@given(days)
def test_a_week_starts_on_the_monday_at_most_six_days_before(day):
    monday = week_of(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days <= 6


@given(days, st.integers(min_value=0, max_value=200), st.integers(min_value=-30, max_value=250))
def test_the_cycle_weeks_so_far_cover_the_cycle_up_to_today(start, length, elapsed):
    end = start + dt.timedelta(days=length)
    today = start + dt.timedelta(days=elapsed)
    weeks = cycle_weeks(start, end, today)
    if today < start:
        assert weeks == ()
        return
    assert weeks[0] == week_of(start)
    assert weeks[-1] == week_of(min(end, today))
    assert all(b - a == dt.timedelta(days=7) for a, b in itertools.pairwise(weeks))


def test_a_quarter_started_on_a_thursday_counts_the_week_it_starts_in():
    weeks = cycle_weeks(dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 10, 14))
    assert weeks == (dt.date(2026, 9, 28), dt.date(2026, 10, 5), dt.date(2026, 10, 12))
