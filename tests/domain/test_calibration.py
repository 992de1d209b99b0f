import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.calibration import (
    Calibration,
    Forecast,
    ForecastSums,
    brier_score,
    calibration_by_group,
    calibration_from_sums,
    confidence_probability,
)


def test_brier_score_is_the_mean_squared_error_of_the_forecasts():
    # (0.9 - 1)^2 = 0.01, (0.2 - 0)^2 = 0.04, (0.6 - 0)^2 = 0.36: mean 0.41 / 3.
    assert brier_score([(0.9, True), (0.2, False), (0.6, False)]) == pytest.approx(0.41 / 3)


def test_perfect_and_perfectly_wrong_forecasts_score_zero_and_one():
    assert brier_score([(1.0, True), (0.0, False)]) == 0.0
    assert brier_score([(0.0, True), (1.0, False)]) == 1.0


def test_always_saying_half_scores_a_quarter():
    assert brier_score([(0.5, True), (0.5, False), (0.5, False)]) == 0.25


def test_no_forecasts_have_no_score():
    assert brier_score([]) is None


@pytest.mark.parametrize("probability", [-0.1, 1.1, float("nan")])
def test_a_probability_outside_zero_to_one_is_refused(probability):
    with pytest.raises(ValueError, match="probability must be between 0 and 1"):
        brier_score([(probability, True)])


@pytest.mark.parametrize(("confidence", "probability"), [(0, 0.0), (7, 0.7), (10, 1.0)])
def test_confidence_zero_to_ten_reads_as_a_probability(confidence, probability):
    assert confidence_probability(confidence) == probability


@pytest.mark.parametrize("confidence", [-1, 11])
def test_confidence_outside_zero_to_ten_is_refused(confidence):
    with pytest.raises(ValueError, match="confidence must be between 0 and 10"):
        confidence_probability(confidence)


def test_calibration_is_scored_per_group():
    forecasts = [
        Forecast("ada", 0.9, True),
        Forecast("model", 0.5, False),
        Forecast("ada", 0.7, False),
        Forecast("model", 0.5, True),
    ]

    result = calibration_by_group(forecasts)

    assert list(result) == ["ada", "model"]
    assert result["ada"].brier == pytest.approx((0.01 + 0.49) / 2)
    assert result["ada"].count == 2
    assert result["model"] == Calibration(brier=0.25, count=2)


def test_no_forecasts_give_no_groups():
    assert calibration_by_group([]) == {}


pairs_strategy = st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), min_size=1, max_size=30)


@given(pairs=pairs_strategy)
def test_brier_score_lies_between_zero_and_one(pairs):
    score = brier_score(pairs)

    assert score is not None
    assert 0.0 <= score <= 1.0


@given(pairs=pairs_strategy)
def test_forecasting_the_outcome_itself_scores_best(pairs):
    sharper = [(float(happened), happened) for _, happened in pairs]

    assert brier_score(sharper) == 0.0
    assert brier_score(sharper) <= brier_score(pairs)


@given(
    st.lists(
        st.tuples(
            st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_the_brier_score_from_sums_is_the_brier_score_of_the_forecasts(
    outcomes: list[tuple[list[float], bool]],
) -> None:
    pairs = [(p, happened) for probabilities, happened in outcomes for p in probabilities]
    sums = [
        (ForecastSums(len(ps), math.fsum(ps), math.fsum(p * p for p in ps)), happened)
        for ps, happened in outcomes
    ]
    found = calibration_from_sums(sums)
    expected = brier_score(pairs)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found.count == len(pairs)
        assert found.brier == pytest.approx(expected, abs=1e-9)


def test_the_brier_score_from_sums_on_a_small_example() -> None:
    # 0.8 and 0.6 for a thing that happened, 0.3 for one that did not:
    # ((0.2)^2 + (0.4)^2 + (0.3)^2) / 3 = 0.29 / 3.
    found = calibration_from_sums(
        [(ForecastSums(2, 1.4, 0.64 + 0.36), True), (ForecastSums(1, 0.3, 0.09), False)]
    )
    assert found is not None
    assert found.brier == pytest.approx(0.29 / 3)
    assert found.count == 3
