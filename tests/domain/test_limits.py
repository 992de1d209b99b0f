"""Every stored number keeps to a finite range, and nothing computed from them breaks a read."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.forecast import forecast, linear_fit, series_slope
from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec, progress, score
from goalkeeper.domain.kpis import Direction, KpiSpec, trend, validate_kpi
from goalkeeper.domain.limits import (
    MAX_ABS_VALUE,
    MAX_WEIGHT,
    bounded,
    check_value,
    check_weight,
    finite_json,
    finite_or_none,
    total,
)
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.periods import Aggregation, Frequency, aggregate, aggregate_by_period

# Accepted numbers, with the extremes drawn often: the bounds, zeros, the tiniest floats.
EDGES = [MAX_ABS_VALUE, -MAX_ABS_VALUE, 0.0, -0.0, 5e-324, -5e-324, 1.0, -1.0]
values = st.sampled_from(EDGES) | st.floats(min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)
weights = st.sampled_from([5e-324, 1e-300, 1.0, MAX_WEIGHT]) | st.floats(
    min_value=0, max_value=MAX_WEIGHT, exclude_min=True
)
scores = st.floats(min_value=0, max_value=1)
moments = st.datetimes(
    min_value=dt.datetime(1901, 1, 1),
    max_value=dt.datetime(2998, 12, 31),
    timezones=st.just(dt.UTC),
)


def is_negative_zero(number: float) -> bool:
    return number == 0 and math.copysign(1.0, number) < 0


# --- The range ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [MAX_ABS_VALUE, -MAX_ABS_VALUE, 0.0, 123.5, None])
def test_values_up_to_the_limit_are_accepted(value: float | None) -> None:
    assert check_value("target", value) == []


@pytest.mark.parametrize("value", [1.0000000000000002e15, -2e15, 1.7e308, -1.7e308])
def test_values_beyond_the_limit_are_refused_naming_the_field_and_the_limit(value: float) -> None:
    assert check_value("target", value) == [FieldError("target", "must be between -1e15 and 1e15")]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_values_that_are_not_finite_are_refused(value: float) -> None:
    assert check_value("value", value) == [FieldError("value", "must be a finite number")]
    assert check_weight("weight", value) == [FieldError("weight", "must be a finite number")]


@pytest.mark.parametrize("weight", [5e-324, 0.5, 1.0, MAX_WEIGHT, None])
def test_weights_above_zero_up_to_a_thousand_are_accepted(weight: float | None) -> None:
    assert check_weight("weight", weight) == []


@pytest.mark.parametrize("weight", [0.0, -0.0, -1.0, 1000.0000000000001, 1.7e308])
def test_other_weights_are_refused_naming_the_limit(weight: float) -> None:
    assert check_weight("weight", weight) == [
        FieldError("weight", "must be more than 0 and at most 1000")
    ]


def test_a_kpi_target_beyond_the_limit_is_refused() -> None:
    spec = KpiSpec(Direction.HIGHER_IS_BETTER, target=2e15, warning=-2e15)

    assert validate_kpi(spec) == [
        FieldError("target", "must be between -1e15 and 1e15"),
        FieldError("warning", "must be between -1e15 and 1e15"),
    ]


# --- Guards for reads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, None), (math.nan, None), (math.inf, None), (-math.inf, None), (2.5, 2.5)],
)
def test_only_finite_numbers_are_shown(value: float | None, shown: float | None) -> None:
    assert finite_or_none(value) == shown


def test_a_negative_zero_is_shown_as_zero() -> None:
    shown = finite_or_none(-0.0)

    assert shown == 0
    assert not is_negative_zero(shown)


def test_json_ready_data_holds_no_nan_infinity_or_negative_zero() -> None:
    data = {"a": [math.inf, -0.0, (math.nan, 1.5)], "b": {"c": -math.inf}, "d": "x", "e": 3}

    cleaned = finite_json(data)

    assert cleaned == {"a": [None, 0.0, [None, 1.5]], "b": {"c": None}, "d": "x", "e": 3}
    assert "-0.0" not in json.dumps(cleaned)


@pytest.mark.parametrize(
    ("value", "held"),
    [(2e21, MAX_ABS_VALUE), (-math.inf, -MAX_ABS_VALUE), (-0.0, 0.0), (7.0, 7.0), (None, None)],
)
def test_a_derived_number_is_held_inside_the_range(value: float | None, held: float | None) -> None:
    assert bounded(value) == held
    assert bounded(math.nan) is None


def test_a_sum_that_overflows_on_the_way_is_still_exact() -> None:
    assert total([1.7e308, 1.7e308, -1.7e308]) == 1.7e308


def test_a_sum_beyond_any_float_is_infinite_rather_than_an_error() -> None:
    assert total([1.7e308, 1.7e308]) == math.inf
    assert total([-1.7e308, -1.7e308]) == -math.inf
    assert math.isnan(total([math.inf, -math.inf]))


# --- Nothing accepted computes to a non-finite number -------------------------------------


@given(st.lists(st.builds(WeightedScore, weight=weights, score=scores), min_size=1, max_size=50))
def test_objective_progress_of_accepted_weights_is_finite_in_0_1(
    key_results: list[WeightedScore],
) -> None:
    result = objective_progress(key_results)

    assert result is not None
    assert 0 <= result <= 1
    assert not is_negative_zero(result)


def test_weights_stored_before_the_limits_still_give_a_progress() -> None:
    huge = [WeightedScore(1.7e308, 1.0), WeightedScore(1.7e308, 0.5)]

    assert objective_progress(huge) == pytest.approx(0.75)
    assert objective_progress([WeightedScore(math.inf, 1.0), WeightedScore(1.0, 0.0)]) is None


@given(st.lists(values, min_size=1, max_size=200), st.sampled_from(list(Aggregation)))
def test_aggregates_of_accepted_values_are_finite(
    numbers: list[float], aggregation: Aggregation
) -> None:
    moment = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    points = [(moment + dt.timedelta(minutes=i), value) for i, value in enumerate(numbers)]

    result = aggregate(points, aggregation)
    periods = aggregate_by_period(points, Frequency.DAILY, aggregation)

    assert result is not None
    assert math.isfinite(result)
    assert all(math.isfinite(period.value) for period in periods)


def test_a_million_values_at_the_limit_still_sum_to_a_finite_number() -> None:
    moment = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)

    assert aggregate([(moment, MAX_ABS_VALUE)] * 1_000_000, Aggregation.SUM) == 1e21


def test_values_stored_before_the_limits_aggregate_without_an_error() -> None:
    moment = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    points = [(moment, 1.7e308), (moment + dt.timedelta(hours=1), 1.7e308)]

    assert aggregate(points, Aggregation.SUM) == math.inf
    assert aggregate_by_period(points, Frequency.DAILY, Aggregation.AVERAGE)[0].value == math.inf


@given(st.lists(st.tuples(values, values), min_size=2, max_size=30))
def test_a_least_squares_line_through_accepted_values_is_finite(
    points: list[tuple[float, float]],
) -> None:
    fit = linear_fit(points)

    if fit is not None:
        assert all(math.isfinite(number) for number in fit)


def test_no_line_is_drawn_through_values_stored_before_the_limits() -> None:
    assert linear_fit([(0.0, -1.7e308), (1.0, 1.7e308), (2.0, 1.7e308)]) is None


@given(st.lists(values, max_size=30))
def test_the_slope_of_accepted_values_is_finite(numbers: list[float]) -> None:
    assert math.isfinite(series_slope(numbers))


@given(st.lists(st.tuples(moments, values), min_size=1, max_size=30), moments)
def test_a_forecast_from_accepted_check_ins_is_finite_or_none(
    points: list[tuple[dt.datetime, float]], at: dt.datetime
) -> None:
    result = forecast(points, at)

    assert result is None or (math.isfinite(result) and not is_negative_zero(result))


@given(
    st.lists(values, max_size=12),
    st.sampled_from(list(Direction)),
    values,
    st.tuples(values, values).map(sorted),
)
def test_a_trend_of_accepted_values_is_always_judged(
    numbers: list[float], direction: Direction, target: float, band: list[float]
) -> None:
    spec = KpiSpec(direction, target=target, low=band[0], high=band[1], warning=0.0)

    trend(numbers, spec)  # no OverflowError, no comparison with NaN


@given(
    st.lists(values, min_size=4, max_size=4, unique=True).map(sorted),
    st.sampled_from([KeyResultKind.INCREASE, KeyResultKind.DECREASE]),
    st.booleans(),
    values | st.none(),
)
def test_progress_and_score_of_accepted_key_results_are_finite_and_never_minus_zero(
    ordered: list[float], kind: KeyResultKind, zones: bool, current: float | None
) -> None:
    start, commit, target, stretch = ordered if kind is KeyResultKind.INCREASE else ordered[::-1]
    spec = KeyResultSpec(
        kind,
        start=start,
        target=target,
        commit=commit if zones else None,
        stretch=stretch if zones else None,
    )

    p = progress(spec, current)
    s = score(spec, current)

    assert p is not None
    assert math.isfinite(p)
    assert not is_negative_zero(p)
    assert 0 <= s <= 1
    assert not is_negative_zero(s)


def test_a_decreasing_key_result_at_its_start_has_progress_zero_not_minus_zero() -> None:
    spec = KeyResultSpec(KeyResultKind.DECREASE, start=10, target=0)

    assert not is_negative_zero(progress(spec, 10.0) or 1.0)
    assert not is_negative_zero(progress(spec, None) or 1.0)
    assert not is_negative_zero(score(spec, None))
