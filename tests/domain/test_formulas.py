"""Several KPIs into one key result: sum, average and ratio of their values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.formulas import Formula, formula_value, input_count_problem
from goalkeeper.domain.limits import MAX_ABS_VALUE

values = st.floats(min_value=-1e12, max_value=1e12)
some_values = st.lists(values, min_size=2, max_size=8)


def test_sum_average_and_ratio_of_known_values() -> None:
    assert formula_value("sum", [120_000.0, 80_000.0, 50_000.0]) == 250_000.0
    assert formula_value("average", [4.0, 5.0, 9.0]) == 6.0
    # Revenue per customer: the first KPI divided by the second.
    assert formula_value("ratio", [600_000.0, 400.0]) == 1500.0


def test_a_ratio_over_zero_has_no_value() -> None:
    assert formula_value(Formula.RATIO, [10.0, 0.0]) is None
    assert formula_value(Formula.RATIO, [0.0, 4.0]) == 0.0


@pytest.mark.parametrize("formula", list(Formula))
def test_a_missing_value_makes_no_value(formula: Formula) -> None:
    assert formula_value(formula, [3.0, None]) is None
    assert formula_value(formula, [None, 3.0]) is None
    assert formula_value(formula, [math.nan, 3.0]) is None


@pytest.mark.parametrize(
    ("formula", "count", "problem"),
    [
        (Formula.SUM, 1, "a sum takes at least 2 KPIs"),
        (Formula.AVERAGE, 0, "an average takes at least 2 KPIs"),
        (Formula.RATIO, 1, "a ratio takes exactly two KPIs: the numerator, then the denominator"),
        (Formula.RATIO, 3, "a ratio takes exactly two KPIs: the numerator, then the denominator"),
        (Formula.SUM, 9, None),
        (Formula.RATIO, 2, None),
    ],
)
def test_how_many_kpis_each_formula_takes(formula: Formula, count: int, problem: str) -> None:
    assert input_count_problem(formula, count) == problem
    if problem is not None:
        assert formula_value(formula, [1.0] * count) is None


def test_a_result_too_large_for_a_number_has_no_value() -> None:
    assert formula_value("ratio", [MAX_ABS_VALUE, 1e-300]) is None
    assert formula_value("sum", [1.7e308, 1.7e308]) is None


@given(some_values)
def test_the_sum_does_not_depend_on_the_order(numbers: list[float]) -> None:
    forward = formula_value("sum", numbers)
    backward = formula_value("sum", list(reversed(numbers)))
    assert forward is not None
    assert backward is not None
    assert forward == pytest.approx(backward, rel=1e-9, abs=1e-6)


@given(some_values)
def test_the_average_lies_between_the_smallest_and_largest(numbers: list[float]) -> None:
    average = formula_value("average", numbers)
    assert average is not None
    # Rounding may land an ulp outside: allow a relative sliver.
    sliver = 1e-12 * max(abs(n) for n in numbers) + 1e-9
    assert min(numbers) - sliver <= average <= max(numbers) + sliver


@given(some_values)
def test_the_average_is_the_sum_over_the_count(numbers: list[float]) -> None:
    total = formula_value("sum", numbers)
    average = formula_value("average", numbers)
    assert total is not None
    assert average is not None
    assert average == pytest.approx(total / len(numbers), rel=1e-9, abs=1e-6)


@given(values, values.filter(lambda v: abs(v) > 1e-6))
def test_a_ratio_times_its_denominator_is_its_numerator(
    numerator: float, denominator: float
) -> None:
    ratio = formula_value("ratio", [numerator, denominator])
    assert ratio is not None
    assert ratio * denominator == pytest.approx(numerator, rel=1e-9, abs=1e-6)


@given(st.sampled_from(list(Formula)), st.lists(values | st.none(), max_size=6))
def test_a_value_is_finite_or_none(formula: Formula, numbers: list[float | None]) -> None:
    value = formula_value(formula, numbers)
    assert value is None or math.isfinite(value)
    if None in numbers:
        assert value is None
