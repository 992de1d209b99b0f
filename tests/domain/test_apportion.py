from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from goalkeeper.domain.apportion import split_amounts, split_start
from goalkeeper.domain.errors import DomainValidationError

# Totals as people type them: whole numbers or cents, within the stored range's sane part.
totals = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(float),
    st.integers(min_value=-(10**12), max_value=10**12).map(lambda cents: cents / 100),
)
counts = st.integers(min_value=1, max_value=40)


def exact_sum(values):
    return sum((Decimal(repr(value)) for value in values), Decimal(0))


def test_equal_shares_of_a_whole_total_are_whole():
    assert split_amounts(600_000, "equal", 3) == [200_000, 200_000, 200_000]


def test_the_rounding_remainder_goes_to_the_last_share():
    assert split_amounts(100, "equal", 3) == [33, 33, 34]
    assert split_amounts(1, "equal", 3) == [0.33, 0.33, 0.34]
    assert split_amounts(100.5, "equal", 2) == [50.25, 50.25]


def test_shares_by_weight_are_proportional():
    assert split_amounts(600_000, "weight", 3, weights=[1, 2, 3]) == [100_000, 200_000, 300_000]
    assert split_amounts(10, "weight", 2, weights=[0, 5]) == [0, 10]


def test_a_share_below_one_keeps_cents_on_a_whole_total():
    assert split_amounts(100, "weight", 2, weights=[1, 1000]) == [0.1, 99.9]


def test_typed_amounts_that_add_up_are_kept():
    assert split_amounts(600_000, "amounts", 3, amounts=[250_000, 200_000, 150_000]) == [
        250_000,
        200_000,
        150_000,
    ]


def test_typed_amounts_short_of_the_total_say_by_how_much():
    with pytest.raises(DomainValidationError) as caught:
        split_amounts(600_000, "amounts", 3, amounts=[250_000, 150_000, 150_000])
    (error,) = caught.value.errors
    assert error.field == "amounts"
    assert error.message == "the amounts add up to 550,000, 50,000 short of 600,000"


def test_typed_amounts_over_the_total_say_by_how_much():
    with pytest.raises(DomainValidationError, match="add up to 610,000, 10,000 over 600,000"):
        split_amounts(600_000, "amounts", 2, amounts=[310_000, 300_000])


def test_typed_amounts_within_half_a_cent_count_as_adding_up():
    shares = split_amounts(1, "amounts", 3, amounts=[0.333, 0.333, 0.334])
    assert exact_sum(shares) == 1


@pytest.mark.parametrize(
    ("method", "count", "weights", "amounts", "field", "message"),
    [
        ("thirds", 3, None, None, "method", "must be one of equal, weight, amounts"),
        ("equal", 0, None, None, "shares", "add at least one share"),
        ("weight", 2, [1], None, "weights", "give one weight for each share"),
        ("weight", 2, [1, -1], None, "weights", "a weight cannot be negative"),
        ("weight", 2, [0, 0], None, "weights", "at least one weight must be more than 0"),
        ("weight", 1, [float("nan")], None, "weights", "must be finite numbers"),
        ("amounts", 2, None, None, "amounts", "give one amount for each share"),
        ("amounts", 1, None, [float("inf")], "amounts", "must be finite numbers"),
    ],
)
def test_refusals_name_the_field(method, count, weights, amounts, field, message):
    with pytest.raises(DomainValidationError) as caught:
        split_amounts(10, method, count, weights=weights, amounts=amounts)
    assert [(e.field, e.message) for e in caught.value.errors] == [(field, message)]


def test_a_total_that_is_not_finite_is_refused():
    with pytest.raises(DomainValidationError, match="total: must be finite"):
        split_amounts(float("nan"), "equal", 2)


def test_the_start_is_split_in_the_target_proportions():
    assert split_start(60, [100, 200, 300]) == [10, 20, 30]
    assert split_start(0, [200_000, 200_000, 200_000]) == [0, 0, 0]


def test_the_start_is_split_equally_when_the_target_shares_add_up_to_zero():
    assert split_start(9, [5, -5, 0]) == [3, 3, 3]
    assert split_start(9, []) == []


@given(totals, counts)
def test_equal_shares_add_up_to_the_total_exactly(total, count):
    shares = split_amounts(total, "equal", count)
    assert len(shares) == count
    assert exact_sum(shares) == Decimal(repr(total))
    # Every share but the last is the same; the last differs by the remainder only.
    assert len(set(shares[:-1])) <= 1
    assert abs(shares[-1] - total / count) <= count * 0.01 + 1


@given(totals, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20))
def test_shares_by_weight_add_up_and_follow_the_weights(total, weights):
    assume(any(weights))
    shares = split_amounts(total, "weight", len(weights), weights=[float(w) for w in weights])
    assert exact_sum(shares) == Decimal(repr(total))
    for share, weight in zip(shares[:-1], weights[:-1], strict=True):
        assert abs(share - total * weight / sum(weights)) <= 0.5
        if weight == 0:
            assert share == 0


@given(totals, st.lists(totals, min_size=1, max_size=10))
def test_typed_amounts_add_up_or_are_refused_with_the_gap(total, amounts):
    gap = exact_sum(amounts) - Decimal(repr(total))
    if abs(gap) < Decimal("0.005"):
        assert exact_sum(split_amounts(total, "amounts", len(amounts), amounts=amounts)) == (
            Decimal(repr(total))
        )
    else:
        with pytest.raises(DomainValidationError, match="the amounts add up to"):
            split_amounts(total, "amounts", len(amounts), amounts=amounts)


@given(totals, st.lists(totals, min_size=1, max_size=10))
def test_the_start_split_adds_up_to_the_start(start, target_shares):
    shares = split_start(start, target_shares)
    assert len(shares) == len(target_shares)
    assert exact_sum(shares) == Decimal(repr(start))


def test_whole_shares_give_way_to_cents_when_the_last_would_drift():
    assert split_amounts(6, "equal", 4) == [1.5, 1.5, 1.5, 1.5]
    assert split_amounts(10, "equal", 4) == [2.5, 2.5, 2.5, 2.5]
