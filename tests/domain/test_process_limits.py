import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.process_limits import (
    Baseline,
    BaselineRange,
    Rule,
    Side,
    Signal,
    process_chart,
    process_limits,
    select_baseline,
)


def periods(values):
    """Name consecutive periods "p01", "p02", ... for readable assertions."""
    return [(f"p{index:02d}", value) for index, value in enumerate(values, start=1)]


# NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2 "Individuals Control
# Charts" (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm), worked
# example of ten flow rates: x-bar = 50.81, mean moving range 1.8778, UCL = 55.8041 and
# LCL = 45.8159 (with 3 / d2 = 3 / 1.128; 2.66 gives 55.8049 and 45.8151, the same to two
# decimals), moving-range UCL 6.13 (D4 = 3.267), and no point beyond the limits.
NIST_VALUES = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]


def test_published_individuals_chart_example_gives_its_limits():
    """NIST/SEMATECH e-Handbook 6.3.2.2: centre 50.81, mR 1.8778, limits 45.82 and 55.80."""
    limits = process_limits(periods(NIST_VALUES))

    assert limits is not None
    assert round(limits.centre, 2) == 50.81
    assert limits.moving_ranges == pytest.approx((2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5))
    assert round(limits.moving_range_mean, 4) == 1.8778
    assert round(limits.upper, 2) == 55.80
    assert round(limits.lower, 2) == 45.82
    # The handbook gives 6.13 with D4 = 3.267; Wheeler's 3.268 gives 6.14: both 6.1.
    assert round(limits.moving_range_upper, 1) == 6.1
    assert limits.baseline == Baseline(first="p01", last="p10", count=10)


def test_published_individuals_chart_example_shows_no_signal():
    """NIST/SEMATECH e-Handbook 6.3.2.2 finds the process in control."""
    chart = process_chart(periods(NIST_VALUES))

    assert chart is not None
    assert chart.signals == ()
    assert chart.latest is None


# Baseline 10, 12, 11, 13, 9, 11, 10, 12: centre 11, moving ranges 2, 1, 2, 4, 2, 1, 2 with
# mean 2, limits 11 +/- 5.32 = 5.68 and 16.32, upper range limit 6.536; midpoints between
# the centre and the limits at 13.66 and 8.34.
BASELINE = [10, 12, 11, 13, 9, 11, 10, 12]
AFTER = [17, 14, 14.5, 10, 15, 12, 12, 12, 12, 11.5, 11.5, 11.5]


def test_limits_follow_the_xmr_formulas():
    limits = process_limits(periods(BASELINE))

    assert limits is not None
    assert limits.centre == 11
    assert limits.moving_range_mean == 2
    assert limits.lower == pytest.approx(5.68)
    assert limits.upper == pytest.approx(16.32)
    assert limits.moving_range_upper == pytest.approx(6.536)


def test_each_rule_marks_its_periods_with_the_strongest_rule_winning():
    chart = process_chart(periods(BASELINE + AFTER), BaselineRange(first="p01", last="p08"))

    assert chart is not None
    marked = {signal.period: (signal.rule, signal.side) for signal in chart.signals}
    # 17 is beyond the upper limit; 17, 14, 14.5 are also three of four beyond the
    # midpoint, but outside_limits takes precedence.
    assert marked["p09"] == (Rule.OUTSIDE_LIMITS, Side.UPPER)
    assert marked["p10"] == (Rule.THREE_OF_FOUR, Side.UPPER)
    assert marked["p11"] == (Rule.THREE_OF_FOUR, Side.UPPER)
    # 10 is below the centre: not part of either group.
    assert "p12" not in marked
    assert marked["p13"] == (Rule.THREE_OF_FOUR, Side.UPPER)
    # 15 and the seven values after it are eight in a row above the centre.
    for period in ("p14", "p15", "p16", "p17", "p18", "p19", "p20"):
        assert marked[period] == (Rule.RUN_OF_EIGHT, Side.UPPER)
    assert chart.latest == Signal("p20", 11.5, Rule.RUN_OF_EIGHT, Side.UPPER)


def test_values_below_show_lower_signals():
    points = periods([-v for v in BASELINE] + [-17, -7, -14, -14])

    chart = process_chart(points, BaselineRange(last="p08"))

    assert chart is not None
    sides = {signal.period: (signal.rule, signal.side) for signal in chart.signals}
    assert sides["p09"] == (Rule.OUTSIDE_LIMITS, Side.LOWER)
    assert sides["p11"] == (Rule.THREE_OF_FOUR, Side.LOWER)
    assert sides["p12"] == (Rule.THREE_OF_FOUR, Side.LOWER)
    assert "p10" not in sides


def test_latest_is_none_when_the_latest_period_shows_no_signal():
    chart = process_chart(periods([*BASELINE, 17, 11]), BaselineRange(last="p08"))

    assert chart is not None
    assert [signal.period for signal in chart.signals] == ["p09"]
    assert chart.latest is None


def test_a_value_exactly_on_a_limit_is_inside():
    # Centre 25, mean moving range 50, limits 25 +/- 133: numbers exact in binary.
    points = periods([0, 50, 0, 50, 0, 50, 158, -108])

    chart = process_chart(points, BaselineRange(last="p06"))

    assert chart is not None
    assert (chart.limits.lower, chart.limits.upper) == (-108, 158)
    assert all(signal.rule is not Rule.OUTSIDE_LIMITS for signal in chart.signals)


def test_a_value_on_the_centre_ends_a_run():
    values = [*BASELINE, 12, 12, 12, 12, 11, 12, 12, 12, 12]

    chart = process_chart(periods(values), BaselineRange(last="p08"))

    assert chart is not None
    assert all(signal.rule is not Rule.RUN_OF_EIGHT for signal in chart.signals)


def test_baseline_is_the_first_twenty_periods_with_a_value():
    points = [("gap", None), *periods(range(30))]

    baseline = select_baseline(points)

    assert len(baseline) == 20
    assert baseline[0] == ("p01", 0)
    assert baseline[-1] == ("p20", 19)


def test_baseline_takes_all_values_when_fewer_than_twenty():
    assert len(select_baseline(periods(range(7)))) == 7


def test_fewer_than_six_values_are_not_enough_data():
    points = periods([1, 2, None, 3, 4, 5])

    assert select_baseline(points) == []
    assert process_limits(points) is None
    assert process_chart(points) is None


def test_a_chosen_range_sets_the_baseline():
    points = periods([*BASELINE, 30, 32, 31, 33, 29, 31, 30, 32])

    limits = process_limits(points, BaselineRange(first="p09"))

    assert limits is not None
    assert limits.centre == 31
    assert limits.baseline == Baseline(first="p09", last="p16", count=8)


def test_a_chosen_range_with_an_unknown_end_selects_nothing():
    assert process_limits(periods(BASELINE), BaselineRange(first="p99")) is None
    assert process_limits(periods(BASELINE), BaselineRange(last="p99")) is None


def test_signals_are_tested_after_the_baseline_too():
    chart = process_chart(periods([*BASELINE, *[11] * 15, 40]))

    assert chart is not None
    assert chart.latest == Signal("p24", 40, Rule.OUTSIDE_LIMITS, Side.UPPER)


def test_a_flat_baseline_makes_any_change_a_signal():
    chart = process_chart(periods([5, 5, 5, 5, 5, 5, 6]), BaselineRange(last="p06"))

    assert chart is not None
    assert chart.limits.lower == chart.limits.upper == 5
    assert chart.latest == Signal("p07", 6, Rule.OUTSIDE_LIMITS, Side.UPPER)


values_strategy = st.lists(st.integers(-1000, 1000), min_size=6, max_size=40)


def summary(chart):
    return [(signal.period, signal.rule, signal.side) for signal in chart.signals]


@given(values=values_strategy, constant=st.integers(-(10**6), 10**6))
def test_adding_a_constant_shifts_the_limits_and_keeps_the_signals(values, constant):
    chart = process_chart(periods([float(v) for v in values]))
    shifted = process_chart(periods([float(v + constant) for v in values]))

    assert chart is not None
    assert shifted is not None
    for name in ("centre", "lower", "upper"):
        expected = getattr(chart.limits, name) + constant
        assert getattr(shifted.limits, name) == pytest.approx(expected, abs=1e-6)
    assert shifted.limits.moving_range_upper == pytest.approx(chart.limits.moving_range_upper)
    assert summary(shifted) == summary(chart)


@given(values=values_strategy, factor=st.integers(1, 1000))
def test_scaling_scales_the_limits_and_keeps_the_signals(values, factor):
    chart = process_chart(periods([float(v) for v in values]))
    scaled = process_chart(periods([float(v * factor) for v in values]))

    assert chart is not None
    assert scaled is not None
    for name in ("centre", "lower", "upper", "moving_range_upper"):
        expected = getattr(chart.limits, name) * factor
        assert getattr(scaled.limits, name) == pytest.approx(expected, abs=1e-6)
    assert summary(scaled) == summary(chart)


@given(values=values_strategy)
def test_every_signal_names_a_period_with_its_value(values):
    points = periods([float(v) for v in values])
    chart = process_chart(points)

    assert chart is not None
    lookup = dict(points)
    for signal in chart.signals:
        assert lookup[signal.period] == signal.value
    assert chart.limits.lower <= chart.limits.centre <= chart.limits.upper
