import random
from datetime import UTC, datetime, timedelta
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec
from goalkeeper.domain.odds import (
    KeyResultHistory,
    Odds,
    fan_chart,
    key_result_odds,
    objective_odds,
    seasonal_factors,
    simulate,
)
from goalkeeper.domain.scoring import ObjectiveKind

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 200
INTERCEPT = 100.0
SLOPE = 0.5  # per day
SIGMA = 10.0
END = T0 + timedelta(days=220)
# The true value at the cycle end is 100 + 0.5 * 220 = 210, spread with sd 10.
TRUE_END = NormalDist(INTERCEPT + SLOPE * 220, SIGMA)


def synthetic_history(sign=1.0):
    """A known linear trend plus normal noise with a known standard deviation.

    The noise values are the normal distribution's quantiles at (i + 0.5) / 100, each used
    twice, in a seeded random order mirrored about the middle day: the noise is then
    uncorrelated with time and sums to zero, so the least-squares line is the true one and
    the test measures the simulation rather than the luck of one random sample.
    """
    half = [NormalDist(0, SIGMA).inv_cdf((i + 0.5) / (DAYS // 2)) for i in range(DAYS // 2)]
    random.Random(18).shuffle(half)
    noise = half + half[::-1]
    return [
        (T0 + timedelta(days=day), sign * (INTERCEPT + SLOPE * day + noise[day]))
        for day in range(DAYS)
    ]


INCREASE = KeyResultSpec(KeyResultKind.INCREASE, start=100.0, target=220.0)


def test_odds_of_reaching_the_target_match_the_analytic_probability():
    odds = key_result_odds(INCREASE, ObjectiveKind.ASPIRATIONAL, synthetic_history(), END)

    assert odds is not None
    # P(value >= 220) for a normal(210, 10): 1 - Phi(1) = 15.9%.
    assert odds.target == pytest.approx(1 - TRUE_END.cdf(220.0), abs=0.02)


def test_odds_of_success_match_the_analytic_probability_for_each_kind():
    history = synthetic_history()

    committed = key_result_odds(INCREASE, ObjectiveKind.COMMITTED, history, END)
    aspirational = key_result_odds(INCREASE, ObjectiveKind.ASPIRATIONAL, history, END)

    assert committed is not None
    assert aspirational is not None
    # A score rounds to 1.0 from 0.95 (value 214) and to 0.7 from 0.65 (value 178).
    assert committed.success == pytest.approx(1 - TRUE_END.cdf(214.0), abs=0.02)
    assert aspirational.success == pytest.approx(1 - TRUE_END.cdf(178.0), abs=0.02)


def test_odds_of_a_decreasing_key_result_look_the_other_way():
    spec = KeyResultSpec(KeyResultKind.DECREASE, start=-100.0, target=-220.0)

    odds = key_result_odds(spec, ObjectiveKind.ASPIRATIONAL, synthetic_history(-1.0), END)

    assert odds is not None
    assert odds.target == pytest.approx(1 - TRUE_END.cdf(220.0), abs=0.02)


def test_the_same_data_gives_the_same_odds_on_every_run():
    first = key_result_odds(INCREASE, ObjectiveKind.COMMITTED, synthetic_history(), END)
    second = key_result_odds(INCREASE, ObjectiveKind.COMMITTED, synthetic_history(), END)

    assert first == second


def test_different_data_draws_differently():
    history = synthetic_history()
    changed = [*history[:-1], (history[-1][0], history[-1][1] + 1e-9)]

    assert simulate(history, END, draws=50) != simulate(changed, END, draws=50)


def test_fewer_than_three_points_give_no_odds():
    two = [(T0, 1.0), (T0 + timedelta(days=1), 2.0)]

    assert key_result_odds(INCREASE, ObjectiveKind.COMMITTED, two, END) is None
    assert fan_chart(two, [END]) is None


def test_points_at_one_instant_give_no_odds():
    same = [(T0, 1.0), (T0, 2.0), (T0, 3.0)]

    assert simulate(same, END) is None


@pytest.mark.parametrize(
    "spec",
    [
        KeyResultSpec(KeyResultKind.MILESTONE),
        KeyResultSpec(KeyResultKind.MAINTAIN, low=1.0, high=2.0),
        KeyResultSpec(KeyResultKind.INCREASE, start=1.0),
    ],
)
def test_only_metric_key_results_with_a_target_have_odds(spec):
    assert key_result_odds(spec, ObjectiveKind.COMMITTED, synthetic_history(), END) is None


def test_a_line_without_scatter_is_certain():
    exact = [(T0 + timedelta(days=day), 100.0 + day) for day in range(10)]
    spec = KeyResultSpec(KeyResultKind.INCREASE, start=100.0, target=150.0)

    assert key_result_odds(spec, ObjectiveKind.COMMITTED, exact, T0 + timedelta(days=60)) == (
        Odds(target=1.0, success=1.0)
    )
    assert key_result_odds(spec, ObjectiveKind.COMMITTED, exact, T0 + timedelta(days=40)) == (
        Odds(target=0.0, success=0.0)
    )


def test_seasonal_factors_are_last_years_months_over_their_mean():
    factors = seasonal_factors([50.0] * 6 + [150.0] * 6)

    assert factors == (0.5,) * 6 + (1.5,) * 6


@pytest.mark.parametrize(
    "monthly", [[1.0] * 11, [None] + [1.0] * 11, [0.0] + [1.0] * 11, [-1.0] + [1.0] * 11]
)
def test_seasonal_factors_need_twelve_positive_months(monthly):
    assert seasonal_factors(monthly) is None


@pytest.mark.parametrize("factors", [(1.0,) * 11, (0.0,) + (1.0,) * 11])
def test_a_seasonal_shape_needs_twelve_positive_factors(factors):
    with pytest.raises(ValueError, match="12 positive monthly factors"):
        simulate(synthetic_history(), END, factors)


def test_a_seasonal_shape_is_applied_to_the_simulated_value():
    factors = seasonal_factors([50.0] * 6 + [150.0] * 6)
    assert factors is not None
    months = [datetime(2025, month, 15, tzinfo=UTC) for month in range(1, 13)]
    months += [datetime(2026, month, 15, tzinfo=UTC) for month in range(1, 7)]
    history = [(at, (1000.0 + (at - months[0]).days) * factors[at.month - 1]) for at in months]
    december = datetime(2026, 12, 15, tzinfo=UTC)

    fan = fan_chart(history, [december], factors)

    assert fan is not None
    # The deseasonalised line reaches 1000 + 699 days by mid-December, then times 1.5.
    assert fan[0].p50 == pytest.approx((1000.0 + 699) * 1.5)


def test_fan_chart_quantiles_are_ordered_and_widen_with_the_horizon():
    steps = [T0 + timedelta(days=day) for day in (210, 240, 300)]

    fan = fan_chart(synthetic_history(), steps)

    assert fan is not None
    assert [step.at for step in fan] == steps
    for step in fan:
        assert step.p10 < step.p25 < step.p50 < step.p75 < step.p90
    assert fan[0].p50 == pytest.approx(INTERCEPT + SLOPE * 210, abs=1.0)
    assert fan[0].p90 - fan[0].p10 < fan[-1].p90 - fan[-1].p10
    # About 1.28 standard deviations either side of the median.
    assert fan[0].p90 - fan[0].p50 == pytest.approx(1.2816 * SIGMA, rel=0.05)


def test_objective_odds_of_a_single_key_result_are_its_odds_of_success():
    history = tuple(synthetic_history())
    kr_odds = key_result_odds(INCREASE, ObjectiveKind.COMMITTED, history, END)

    odds = objective_odds([KeyResultHistory(INCREASE, history)], ObjectiveKind.COMMITTED, END)

    assert kr_odds is not None
    assert odds == kr_odds.success


def test_objective_odds_count_key_results_without_history_at_their_score():
    history = tuple(synthetic_history())
    done = KeyResultHistory(KeyResultSpec(KeyResultKind.MILESTONE), done=True)
    not_done = KeyResultHistory(KeyResultSpec(KeyResultKind.MILESTONE))
    metric = KeyResultHistory(INCREASE, history)

    # With a done milestone, (s + 1) / 2 >= 0.65 needs s >= 0.3: value 136, near certain.
    assert objective_odds([metric, done], ObjectiveKind.ASPIRATIONAL, END) == pytest.approx(
        1.0, abs=0.001
    )
    # With an open one, s / 2 can never reach 0.65.
    assert objective_odds([metric, not_done], ObjectiveKind.ASPIRATIONAL, END) == 0.0


def test_objective_odds_need_a_key_result_to_simulate():
    few = KeyResultHistory(INCREASE, ((T0, 1.0),))
    milestone = KeyResultHistory(KeyResultSpec(KeyResultKind.MILESTONE), done=True)

    assert objective_odds([few, milestone], ObjectiveKind.COMMITTED, END) is None


@settings(max_examples=10, deadline=None)
@given(
    values=st.lists(st.integers(-1000, 1000), min_size=3, max_size=12),
    target=st.integers(-2000, 2000),
)
def test_odds_are_probabilities_and_repeat(values, target):
    points = [(T0 + timedelta(days=7 * i), float(v)) for i, v in enumerate(values)]
    spec = KeyResultSpec(KeyResultKind.INCREASE, start=-5000.0, target=float(target))

    odds = key_result_odds(spec, ObjectiveKind.COMMITTED, points, T0 + timedelta(days=120))

    assert odds is not None
    assert 0.0 <= odds.target <= 1.0
    assert 0.0 <= odds.success <= 1.0
    assert odds == key_result_odds(spec, ObjectiveKind.COMMITTED, points, T0 + timedelta(days=120))
