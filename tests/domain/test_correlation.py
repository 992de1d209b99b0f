import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.correlation import (
    LaggedCorrelation,
    best_lag,
    lagged_correlation,
    pearson,
    shared_pairs,
)


def test_pearson_of_a_textbook_example():
    # x = 1..5, y = 2, 4, 5, 4, 5: sxy = 6, sxx = 10, syy = 6, r = 6 / sqrt(60) = 0.7746.
    pairs = list(zip([1, 2, 3, 4, 5], [2, 4, 5, 4, 5], strict=True))

    assert pearson(pairs) == pytest.approx(0.7745967)


def test_perfect_lines_correlate_fully():
    xs = [1.0, 2.0, 3.0, 4.0, 5.0]

    assert pearson([(x, 3 * x + 1) for x in xs]) == pytest.approx(1.0)
    assert pearson([(x, -x) for x in xs]) == pytest.approx(-1.0)


def test_too_few_pairs_give_no_correlation():
    assert pearson([(1.0, 2.0), (2.0, 3.0), (3.0, 5.0), (4.0, 4.0)]) is None


def test_a_series_that_does_not_vary_gives_no_correlation():
    assert pearson([(x, 7.0) for x in range(6)]) is None


def test_only_periods_where_both_have_a_value_are_paired():
    leading = [1.0, None, 3.0, 4.0]
    lagging = [10.0, 20.0, None, 40.0]

    assert shared_pairs(leading, lagging) == [(1.0, 10.0), (4.0, 40.0)]
    assert shared_pairs(leading, lagging, lag=1) == [(1.0, 20.0), (3.0, 40.0)]


LEADING = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0]


def test_best_lag_finds_how_many_periods_the_lagging_series_follows():
    # The lagging series repeats the leading one two periods later, doubled.
    lagging = [None, None, *[2 * x for x in LEADING[:-2]]]

    found = best_lag(LEADING, lagging, max_lag=4)

    assert found is not None
    assert found.lag == 2
    assert found.r == pytest.approx(1.0)
    assert found.count == 10


def test_a_tie_goes_to_the_shorter_lag():
    constant_step = [float(i) for i in range(10)]

    found = best_lag(constant_step, constant_step, max_lag=3)

    assert found == LaggedCorrelation(lag=0, r=pytest.approx(1.0), count=10)


def test_best_lag_is_none_without_enough_shared_periods():
    assert best_lag([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], max_lag=2) is None


def test_a_negative_lag_is_refused():
    with pytest.raises(ValueError, match="lag must be 0 or more"):
        lagged_correlation(LEADING, LEADING, lag=-1)


series = st.lists(st.integers(-1000, 1000).map(float), min_size=5, max_size=30)


@given(xs=series, a=st.integers(1, 100), b=st.integers(-100, 100))
def test_correlation_ignores_a_positive_linear_change_of_units(xs, a, b):
    ys = list(reversed(xs))
    r = pearson(list(zip(xs, ys, strict=True)))
    changed = pearson([(a * x + b, y) for x, y in zip(xs, ys, strict=True)])

    if r is None:
        assert changed is None
    else:
        assert changed == pytest.approx(r, abs=1e-9)
        assert -1.0 <= r <= 1.0
