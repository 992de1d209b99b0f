"""Odds of a key result that follows phased targets: the deviation from the expected path is
simulated, not the raw values (docs/signals.md, "Odds")."""

import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec
from goalkeeper.domain.odds import (
    KeyResultHistory,
    fan_chart,
    key_result_odds,
    objective_odds,
    simulate,
)
from goalkeeper.domain.phasing import ExpectedPath, Phase
from goalkeeper.domain.scoring import ObjectiveKind

START = date(2026, 10, 1)
END = datetime(2026, 12, 31, 12, tzinfo=UTC)
SPEC = KeyResultSpec(KeyResultKind.INCREASE, start=0.0, target=100.0)
# A sales quarter that closes in its last month: 10% by October's end, 30% by November's.
BACK_LOADED = ExpectedPath(
    START,
    0.0,
    (
        Phase(date(2026, 10, 31), 10.0),
        Phase(date(2026, 11, 30), 30.0),
        Phase(date(2026, 12, 31), 100.0),
    ),
)


def on_path(ahead: float = 0.0, wobble: float = 0.0) -> list[tuple[datetime, float]]:
    """Weekly values up to 20 November on the path, `ahead` of it, wobbling up and down."""
    days = [START + timedelta(days=7 * week) for week in range(8)]
    return [
        (
            datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=12),
            BACK_LOADED.value_at(day) + ahead + (wobble if index % 2 else -wobble),
        )
        for index, day in enumerate(days)
    ]


def test_a_key_result_on_a_back_loaded_path_has_high_odds_where_a_straight_line_has_low():
    points = on_path(ahead=2.0, wobble=0.5)

    straight = key_result_odds(SPEC, ObjectiveKind.COMMITTED, points, END)
    phased = key_result_odds(SPEC, ObjectiveKind.COMMITTED, points, END, path=BACK_LOADED)

    assert straight is not None
    assert phased is not None
    assert straight.target < 0.05
    assert phased.target > 0.9


def test_exactly_on_the_path_the_end_value_is_the_paths_end():
    values = simulate(on_path(), END, path=BACK_LOADED, draws=100)

    assert values == pytest.approx([100.0] * 100)


def test_the_path_takes_the_place_of_a_seasonal_shape():
    shape = tuple([2.0] * 6 + [0.5] * 6)
    with_shape = simulate(on_path(wobble=1.0), END, seasonal=shape, path=BACK_LOADED)

    assert with_shape == simulate(on_path(wobble=1.0), END, path=BACK_LOADED)


def test_the_fan_chart_follows_the_path():
    steps = [datetime(2026, 11, 30, 12, tzinfo=UTC), END]

    fan = fan_chart(on_path(wobble=0.5), steps, path=BACK_LOADED)

    assert fan is not None
    assert [step.p50 for step in fan] == pytest.approx([30.0, 100.0], abs=1.0)
    assert all(step.p10 <= step.p50 <= step.p90 for step in fan)


def test_the_objective_simulates_each_key_result_along_its_path():
    history = KeyResultHistory(SPEC, points=tuple(on_path(ahead=2.0, wobble=0.5)), path=BACK_LOADED)
    straight = KeyResultHistory(SPEC, points=tuple(on_path(ahead=2.0, wobble=0.5)))

    phased_odds = objective_odds([history], ObjectiveKind.COMMITTED, END)
    straight_odds = objective_odds([straight], ObjectiveKind.COMMITTED, END)

    assert phased_odds is not None
    assert straight_odds is not None
    assert phased_odds > 0.9
    assert straight_odds < 0.05


@settings(max_examples=25, deadline=None)
@given(shift=st.floats(-50, 50, allow_nan=False))
def test_moving_the_history_and_the_path_together_moves_the_draws_alike(shift):
    moved = ExpectedPath(
        START,
        shift,
        tuple(Phase(p.until, p.value + shift) for p in BACK_LOADED.phases),
    )
    points = on_path(wobble=1.0)
    shifted = [(at, value + shift) for at, value in points]

    base = simulate(points, END, path=BACK_LOADED, draws=2000)
    both = simulate(shifted, END, path=moved, draws=2000)

    # The seed follows the exact inputs, so the draws differ; their distribution does not.
    assert base is not None
    assert both is not None
    assert statistics.median(both) - shift == pytest.approx(statistics.median(base), abs=0.5)
