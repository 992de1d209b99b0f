import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.scoring import (
    ObjectiveKind,
    ScoreBand,
    final_score,
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
