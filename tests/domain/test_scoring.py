import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.scoring import (
    REVIEW_BAND_COLOURS,
    REVIEW_BAND_LABELS,
    ObjectiveKind,
    ReviewBand,
    ScoreBand,
    final_score,
    review_band,
    score_band,
    succeeded,
)


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(0.65, 0.7), (0.25, 0.3), (0.15, 0.2), (0.05, 0.1), (0.64, 0.6), (0.0, 0.0), (1.0, 1.0)],
)
def test_final_score_rounds_half_up_to_one_decimal(progress, expected):
    assert final_score(progress) == expected


@pytest.mark.parametrize(("progress", "expected"), [(1.3, 1.0), (-0.2, 0.0)])
def test_final_score_is_bounded_to_zero_and_one(progress, expected):
    assert final_score(progress) == expected


@pytest.mark.parametrize("progress", [None, math.nan])
def test_objective_without_progress_has_no_final_score(progress):
    assert final_score(progress) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, ScoreBand.RED),
        (0.3, ScoreBand.RED),
        (0.34, ScoreBand.RED),
        (0.35, ScoreBand.YELLOW),
        (0.4, ScoreBand.YELLOW),
        (0.6, ScoreBand.YELLOW),
        (0.65, ScoreBand.GREEN),
        (0.7, ScoreBand.GREEN),
        (1.0, ScoreBand.GREEN),
        (math.nan, ScoreBand.RED),
    ],
)
def test_score_band_colours_the_rounded_score(score, band):
    assert score_band(score) == band


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        (ObjectiveKind.COMMITTED, 1.0, True),
        (ObjectiveKind.COMMITTED, 0.9, False),
        (ObjectiveKind.COMMITTED, 0.96, True),
        (ObjectiveKind.ASPIRATIONAL, 0.7, True),
        (ObjectiveKind.ASPIRATIONAL, 0.6, False),
        (ObjectiveKind.ASPIRATIONAL, 0.65, True),
        (ObjectiveKind.ASPIRATIONAL, math.nan, False),
    ],
)
def test_committed_objectives_succeed_at_one_and_aspirational_at_0_7(kind, score, expected):
    assert succeeded(kind, score) is expected


@given(st.floats(allow_nan=False))
def test_final_score_is_between_zero_and_one_with_one_decimal(progress):
    score = final_score(progress)

    assert score is not None
    assert 0.0 <= score <= 1.0
    exponent = Decimal(str(score)).as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent >= -1


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, ReviewBand.BELOW),
        (0.24, ReviewBand.BELOW),
        (0.25, ReviewBand.LOW),
        (0.3, ReviewBand.LOW),
        (0.64, ReviewBand.LOW),
        (0.65, ReviewBand.HIGH),
        (0.9, ReviewBand.HIGH),
        (0.94, ReviewBand.HIGH),
        (0.95, ReviewBand.FULL),
        (1.0, ReviewBand.FULL),
        (1.3, ReviewBand.FULL),
    ],
)
def test_review_band_holds_its_lower_bound_on_the_rounded_score(score, band):
    assert review_band(score) == band


@given(st.floats(min_value=-1.0, max_value=2.0, allow_nan=False))
def test_review_band_is_split_at_the_kinds_success_lines(score):
    band = review_band(score)
    assert (band == ReviewBand.FULL) == succeeded(ObjectiveKind.COMMITTED, score)
    assert (band in {ReviewBand.HIGH, ReviewBand.FULL}) == succeeded(
        ObjectiveKind.ASPIRATIONAL, score
    )


@given(
    st.floats(min_value=-1.0, max_value=2.0, allow_nan=False),
    st.floats(min_value=-1.0, max_value=2.0, allow_nan=False),
)
def test_review_band_never_falls_as_the_score_rises(low, high):
    order = list(ReviewBand)
    low, high = min(low, high), max(low, high)
    assert order.index(review_band(low)) <= order.index(review_band(high))


def test_every_review_band_has_a_label_and_a_colour():
    assert set(REVIEW_BAND_LABELS) == set(ReviewBand)
    assert set(REVIEW_BAND_COLOURS) == set(ReviewBand)
    assert REVIEW_BAND_COLOURS[ReviewBand.BELOW] == score_band(0.2)
