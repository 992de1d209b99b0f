"""Several KPIs into one key result: how their values make one value (docs/cascade.md,
"Several KPIs into one key result").

`sum` and `average` take two or more values; `ratio` exactly two, the numerator first
(revenue / customers). A missing value makes no value: a key result is never moved by a
partial sum, which would look like a fall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum


class Formula(StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    RATIO = "ratio"


_NAMES = {Formula.SUM: "a sum", Formula.AVERAGE: "an average"}


def input_count_problem(formula: Formula, count: int) -> str | None:
    """Why `count` KPIs cannot feed `formula`, or None when they can."""
    if formula is Formula.RATIO:
        if count == 2:
            return None
        return "a ratio takes exactly two KPIs: the numerator, then the denominator"
    return None if count >= 2 else f"{_NAMES[formula]} takes at least 2 KPIs"


def formula_value(formula: Formula | str, values: Sequence[float | None]) -> float | None:
    """The value the KPIs' `values` (in the key result's order) make by `formula`.

    None when a value is missing or not finite, when there are not enough values, when a
    ratio's denominator is 0, or when the result is not a finite number.
    """
    formula = Formula(formula)
    if input_count_problem(formula, len(values)) is not None:
        return None
    numbers: list[float] = []
    for value in values:
        if value is None or not math.isfinite(value):
            return None
        numbers.append(float(value))
    if formula is Formula.RATIO and numbers[1] == 0:
        return None
    try:
        if formula is Formula.SUM:
            result = math.fsum(numbers)
        elif formula is Formula.AVERAGE:
            result = math.fsum(numbers) / len(numbers)
        else:
            result = numbers[0] / numbers[1]
    except OverflowError:  # float division and fsum raise rather than give infinity
        return None
    return result if math.isfinite(result) else None
