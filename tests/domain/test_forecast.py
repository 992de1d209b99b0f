from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.forecast import forecast, linear_fit, series_slope

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def test_linear_fit_finds_the_least_squares_line():
    fit = linear_fit([(0, 1), (1, 3), (2, 2)])

    assert fit is not None
    slope, intercept = fit

    assert slope == pytest.approx(0.5)
    assert intercept == pytest.approx(1.5)


@pytest.mark.parametrize("points", [[], [(1.0, 2.0)], [(1.0, 2.0), (1.0, 5.0)]])
def test_linear_fit_needs_two_distinct_x(points):
    assert linear_fit(points) is None


def test_linear_fit_treats_x_too_close_to_tell_apart_as_one():
    assert linear_fit([(0.0, 1.0), (5e-324, 2.0)]) is None


def test_series_slope_is_the_change_per_step():
    assert series_slope([1, 3, 5, 7]) == pytest.approx(2)
    assert series_slope([4]) == 0.0


def test_forecast_projects_check_ins_to_the_cycle_end():
    points = [(T0, 10.0), (T0 + timedelta(days=10), 20.0)]

    assert forecast(points, T0 + timedelta(days=30)) == pytest.approx(40.0)


@pytest.mark.parametrize(
    "points", [[], [(T0, 5.0)], [(T0, 5.0), (T0, 7.0)]], ids=["none", "one", "same instant"]
)
def test_forecast_needs_two_instants(points):
    assert forecast(points, T0 + timedelta(days=1)) is None


def test_forecast_counts_real_hours_across_a_daylight_saving_change():
    # Berlin springs forward at 02:00 on 2026-03-29: midnight to 04:00 is three real hours.
    midnight = datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    points = [(midnight, 0.0), (datetime(2026, 3, 29, 4, tzinfo=BERLIN), 3.0)]

    assert forecast(points, datetime(2026, 3, 29, 5, tzinfo=BERLIN)) == pytest.approx(4.0)


@given(
    intercept=st.floats(min_value=-1e6, max_value=1e6),
    per_day=st.floats(min_value=-1e4, max_value=1e4),
    offsets=st.lists(
        st.integers(min_value=0, max_value=90 * 86400), min_size=2, max_size=20, unique=True
    ),
    at=st.integers(min_value=-90 * 86400, max_value=180 * 86400),
)
def test_forecast_of_exactly_linear_points_reproduces_the_line(intercept, per_day, offsets, at):
    def line(seconds):
        return intercept + per_day * seconds / 86400

    points = [(T0 + timedelta(seconds=s), line(s)) for s in offsets]

    projected = forecast(points, T0 + timedelta(seconds=at))

    assert projected == pytest.approx(line(at), rel=1e-6, abs=1e-3)
