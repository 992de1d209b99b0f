import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.kpis import (
    Direction,
    Health,
    KpiSpec,
    Trend,
    distance_to_band,
    judge_health,
    kpi_health,
    trend,
    validate_kpi,
    value_health,
)
from goalkeeper.domain.periods import Frequency

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
IN_RANGE = Direction.IN_RANGE

REVENUE = KpiSpec(HIGHER, target=100, warning=80)
CHURN = KpiSpec(LOWER, target=2, warning=3)
TEMPERATURE = KpiSpec(IN_RANGE, low=18, high=22, warning=2)
NOW = datetime(2026, 5, 13, 12, tzinfo=UTC)

values = st.floats(min_value=-1e9, max_value=1e9)


# Validation.


@pytest.mark.parametrize(
    "spec",
    [
        REVENUE,
        CHURN,
        TEMPERATURE,
        KpiSpec(HIGHER, target=10),
        KpiSpec(HIGHER, target=10, warning=10),
        KpiSpec(IN_RANGE, low=5, high=5, warning=0),
    ],
)
def test_valid_kpis_have_no_errors(spec):
    assert validate_kpi(spec) == []


@pytest.mark.parametrize("field", ["target", "warning"])
def test_non_finite_numbers_are_refused_once_on_their_field(field):
    values = {"target": 100.0, "warning": 80.0, field: math.nan}

    assert validate_kpi(KpiSpec(HIGHER, **values)) == [FieldError(field, "must be a finite number")]


@pytest.mark.parametrize("direction", [HIGHER, LOWER])
def test_target_directions_require_a_target(direction):
    assert validate_kpi(KpiSpec(direction)) == [
        FieldError("target", f"is required for {direction} KPIs")
    ]


def test_warning_must_sit_below_the_target_when_higher_is_better():
    assert validate_kpi(KpiSpec(HIGHER, target=100, warning=120)) == [
        FieldError("warning", "warning must be below the target for higher_is_better")
    ]


def test_warning_must_sit_above_the_target_when_lower_is_better():
    assert validate_kpi(KpiSpec(LOWER, target=2, warning=1)) == [
        FieldError("warning", "warning must be above the target for lower_is_better")
    ]


def test_in_range_requires_both_bounds():
    assert validate_kpi(KpiSpec(IN_RANGE)) == [
        FieldError("low", "is required for in_range KPIs"),
        FieldError("high", "is required for in_range KPIs"),
    ]


def test_in_range_refuses_an_empty_range():
    assert validate_kpi(KpiSpec(IN_RANGE, low=5, high=4)) == [
        FieldError("low", "the range is empty: low is above high")
    ]


def test_in_range_refuses_a_negative_warning_margin():
    assert validate_kpi(KpiSpec(IN_RANGE, low=1, high=4, warning=-1)) == [
        FieldError("warning", "the warning margin must not be negative")
    ]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (KpiSpec(HIGHER, target=1, low=0), "low"),
        (KpiSpec(LOWER, target=1, high=5), "high"),
        (KpiSpec(IN_RANGE, target=3, low=1, high=4), "target"),
    ],
)
def test_numbers_of_another_direction_are_refused(spec, field):
    assert validate_kpi(spec) == [FieldError(field, f"does not apply to {spec.direction} KPIs")]


# Health of one value.


@pytest.mark.parametrize(
    ("spec", "value", "health"),
    [
        (REVENUE, 100, Health.GREEN),
        (REVENUE, 150, Health.GREEN),
        (REVENUE, 80, Health.YELLOW),
        (REVENUE, 79.9, Health.RED),
        (CHURN, 2, Health.GREEN),
        (CHURN, 3, Health.YELLOW),
        (CHURN, 3.1, Health.RED),
        (TEMPERATURE, 18, Health.GREEN),
        (TEMPERATURE, 22, Health.GREEN),
        (TEMPERATURE, 16, Health.YELLOW),
        (TEMPERATURE, 24, Health.YELLOW),
        (TEMPERATURE, 15.9, Health.RED),
        (TEMPERATURE, 24.1, Health.RED),
    ],
)
def test_value_health_by_direction(spec, value, health):
    assert value_health(spec, value) == health


def test_without_warning_there_is_no_yellow_zone():
    assert value_health(KpiSpec(HIGHER, target=100), 99) == Health.RED
    assert value_health(KpiSpec(IN_RANGE, low=1, high=2), 2.5) == Health.RED


def test_in_range_with_one_bound_is_open_on_the_other_side():
    assert value_health(KpiSpec(IN_RANGE, low=1), 1e9) == Health.GREEN
    assert value_health(KpiSpec(IN_RANGE, high=1), 2) == Health.RED


@pytest.mark.parametrize("spec", [KpiSpec(HIGHER), KpiSpec(LOWER), KpiSpec(IN_RANGE)])
def test_kpi_without_a_goal_cannot_be_judged(spec):
    assert value_health(spec, 5) == Health.NO_DATA


def test_distance_to_band_is_zero_inside_and_grows_outside():
    assert distance_to_band(5, 1, 10) == 0
    assert distance_to_band(-1, 1, 10) == 2
    assert distance_to_band(13, 1, 10) == 3
    assert distance_to_band(13, None, None) == 0


# Health of a KPI over time.


def test_kpi_never_measured_has_no_data():
    assert kpi_health(REVENUE, Frequency.DAILY, None, None, NOW) == Health.NO_DATA


def test_kpi_is_judged_on_its_latest_complete_period():
    last = NOW - timedelta(hours=12)

    assert kpi_health(REVENUE, Frequency.DAILY, 120, last, NOW) == Health.GREEN
    assert kpi_health(REVENUE, Frequency.DAILY, 90, last, NOW) == Health.YELLOW


def test_kpi_silent_for_more_than_one_and_a_half_periods_is_stale():
    last = NOW - timedelta(hours=36, seconds=1)

    assert kpi_health(REVENUE, Frequency.DAILY, 120, last, NOW) == Health.STALE


def test_kpi_silent_for_exactly_one_and_a_half_periods_is_not_yet_stale():
    last = NOW - timedelta(hours=36)

    assert kpi_health(REVENUE, Frequency.DAILY, 120, last, NOW) == Health.GREEN


def test_kpi_measured_before_but_empty_in_its_latest_period_is_stale():
    last = NOW - timedelta(hours=1)

    assert kpi_health(REVENUE, Frequency.DAILY, None, last, NOW) == Health.STALE


def test_an_empty_latest_period_is_judged_on_the_current_one_provisionally():
    last = NOW - timedelta(hours=1)

    reading = judge_health(REVENUE, Frequency.DAILY, None, last, NOW, current_value=50)

    assert (reading.health, reading.provisional) == (Health.RED, True)
    assert kpi_health(REVENUE, Frequency.DAILY, None, last, NOW, current_value=120) == (
        Health.GREEN
    )


def test_a_complete_period_is_judged_for_good_whatever_the_current_one_says():
    last = NOW - timedelta(hours=1)

    reading = judge_health(REVENUE, Frequency.DAILY, 120, last, NOW, current_value=10)

    assert (reading.health, reading.provisional) == (Health.GREEN, False)


def test_a_stale_kpi_is_never_judged_provisionally():
    last = NOW - timedelta(days=2)

    reading = judge_health(REVENUE, Frequency.DAILY, None, last, NOW, current_value=10)

    assert (reading.health, reading.provisional) == (Health.STALE, False)


def test_staleness_counts_real_hours_across_a_daylight_saving_change():
    berlin = ZoneInfo("Europe/Berlin")
    # On the clock, 01:00 CEST to the second 02:00 (CET) is one hour; in reality two.
    last = datetime(2026, 10, 25, 1, tzinfo=berlin)
    now = datetime(2026, 10, 25, 2, fold=1, tzinfo=berlin)

    assert kpi_health(REVENUE, Frequency.HOURLY, 120, last, now) == Health.STALE


# Trend.


@pytest.mark.parametrize(
    ("spec", "series", "expected"),
    [
        (REVENUE, [80, 85, 90, 95], Trend.IMPROVING),
        (REVENUE, [95, 90, 85, 80], Trend.WORSENING),
        (CHURN, [4, 3.5, 3, 2.5], Trend.IMPROVING),
        (CHURN, [2.5, 3, 3.5, 4], Trend.WORSENING),
        (TEMPERATURE, [30, 28, 26, 24], Trend.IMPROVING),
        (TEMPERATURE, [10, 12, 14, 16], Trend.IMPROVING),
        (TEMPERATURE, [22, 25, 28, 31], Trend.WORSENING),
        (TEMPERATURE, [18, 22, 18, 22], Trend.FLAT),
    ],
)
def test_trend_follows_the_good_direction(spec, series, expected):
    assert trend(series, spec) == expected


def test_changes_within_one_percent_of_the_scale_are_flat():
    assert trend([100, 100.2, 100.4, 100.6], REVENUE) == Trend.FLAT
    assert trend([100, 100.2, 100.4, 100.6], REVENUE, flat_tolerance=0.001) == Trend.IMPROVING


@pytest.mark.parametrize("series", [[], [5.0], [5.0, 9.0], [None, 5.0, None, None, 9.0]])
def test_trend_needs_three_periods_with_values(series):
    assert trend(series, REVENUE) == Trend.NOT_ENOUGH_DATA


def test_a_new_kpi_with_no_values_has_no_trend_rather_than_a_flat_one():
    assert trend([None] * 12, REVENUE) == Trend.NOT_ENOUGH_DATA


def test_trend_only_looks_at_the_last_periods():
    series = [0, 50, 100, 100, 100, 100, 100, 100]

    assert trend(series, REVENUE) == Trend.FLAT
    assert trend(series, REVENUE, periods=8) == Trend.IMPROVING
    assert trend(series, REVENUE, periods=0) == Trend.NOT_ENOUGH_DATA


def test_values_older_than_the_window_do_not_make_up_for_empty_periods():
    # Three values, but only two of them in the last six periods.
    series = [10, None, None, None, None, 20, None, 30]

    assert trend(series, REVENUE) == Trend.NOT_ENOUGH_DATA


def test_empty_periods_keep_their_place_in_the_slope():
    # 80 then 100 two periods later, then 100: rising, with a gap it must not squeeze.
    assert trend([80, None, 100, 100], REVENUE) == Trend.IMPROVING


def test_trend_of_a_kpi_near_zero_uses_the_target_as_its_scale():
    assert trend([0.0, 0.25, 0.5], KpiSpec(LOWER, target=100)) == Trend.FLAT
    assert trend([0.0, 0.5e-6, 1e-6], KpiSpec(LOWER, target=0)) == Trend.WORSENING


# Properties.


@given(a=values, b=values, target=values, margin=st.floats(min_value=0, max_value=1e9))
def test_raising_the_value_never_worsens_health_when_higher_is_better(a, b, target, margin):
    spec = KpiSpec(HIGHER, target=target, warning=target - margin)
    low, high = sorted([a, b])

    assert RANK[value_health(spec, high)] >= RANK[value_health(spec, low)]


@given(a=values, b=values, target=values, margin=st.floats(min_value=0, max_value=1e9))
def test_lowering_the_value_never_worsens_health_when_lower_is_better(a, b, target, margin):
    spec = KpiSpec(LOWER, target=target, warning=target + margin)
    low, high = sorted([a, b])

    assert RANK[value_health(spec, low)] >= RANK[value_health(spec, high)]


RANK = {Health.RED: 0, Health.YELLOW: 1, Health.GREEN: 2}


optional_values = st.lists(st.one_of(st.none(), values), max_size=14)


@given(series=optional_values)
def test_a_trend_is_told_exactly_when_three_of_the_last_six_periods_have_a_value(series):
    told = trend(series, REVENUE) is not Trend.NOT_ENOUGH_DATA

    assert told == (sum(value is not None for value in series[-6:]) >= 3)


@given(
    period=st.one_of(st.none(), values),
    current=st.one_of(st.none(), values),
    hours=st.integers(min_value=0, max_value=96),
)
def test_a_reading_is_provisional_only_when_the_current_period_stands_in(period, current, hours):
    last = NOW - timedelta(hours=hours)

    reading = judge_health(REVENUE, Frequency.DAILY, period, last, NOW, current_value=current)

    if reading.provisional:
        assert period is None
        assert current is not None
        assert reading.health == value_health(REVENUE, current)
    elif period is None and reading.health is not Health.STALE:
        raise AssertionError("an empty complete period is stale or provisional")
