"""More properties of the process limits (docs/signals.md): a mirror image swaps the sides,
a chosen baseline moves with the values as the default one does."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.process_limits import BaselineRange, Side, process_chart

values_strategy = st.lists(st.integers(-1000, 1000), min_size=8, max_size=40)
MIRROR = {Side.UPPER: Side.LOWER, Side.LOWER: Side.UPPER}


def periods(values):
    return [(index, float(value)) for index, value in enumerate(values)]


@given(values=values_strategy, factor=st.integers(1, 1000))
def test_a_negative_scaling_mirrors_the_limits_and_swaps_the_sides(values, factor):
    chart = process_chart(periods(values))
    mirrored = process_chart(periods([-v * factor for v in values]))

    assert chart is not None
    assert mirrored is not None
    assert mirrored.limits.centre == pytest.approx(-chart.limits.centre * factor, abs=1e-6)
    assert mirrored.limits.lower == pytest.approx(-chart.limits.upper * factor, abs=1e-6)
    assert mirrored.limits.upper == pytest.approx(-chart.limits.lower * factor, abs=1e-6)
    assert [(s.period, s.rule, MIRROR[s.side]) for s in chart.signals] == [
        (s.period, s.rule, s.side) for s in mirrored.signals
    ]


@given(
    values=values_strategy,
    constant=st.integers(-(10**6), 10**6),
    factor=st.integers(1, 1000),
    start=st.integers(0, 2),
)
def test_a_chosen_baseline_keeps_its_signals_under_a_change_of_unit(
    values, constant, factor, start
):
    chosen = BaselineRange(first=start, last=start + 5)
    chart = process_chart(periods(values), chosen)
    moved = process_chart(periods([v * factor + constant for v in values]), chosen)

    assert chart is not None
    assert moved is not None
    assert moved.limits.baseline == chart.limits.baseline
    assert moved.limits.centre == pytest.approx(chart.limits.centre * factor + constant, abs=1e-6)
    assert [(s.period, s.rule, s.side) for s in moved.signals] == [
        (s.period, s.rule, s.side) for s in chart.signals
    ]
