"""The finite range every stored number lives in, and the guards for numbers read back.

Every value and target (key result start, target, current, band and zones, check-in
values, KPI target, warning and range, measurement values) lies within
`[-MAX_ABS_VALUE, MAX_ABS_VALUE]`; every weight in `(0, MAX_WEIGHT]` (docs/scoring.md,
"Limits"). The bounds are wide for any business number, and narrow enough that every sum,
mean, slope and roll-up computed from accepted numbers stays finite: a million values of
1e15 add up to 1e21, and the squares in a least-squares fit stay below 1e50, far from the
float limit of about 1.8e308. Below 2**53 (about 9e15) every whole number is exact.

Rows written before the bounds existed may hold larger numbers; reads pass what they show
through `finite_or_none`, so such a row shows "-" rather than failing a page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from goalkeeper.domain.errors import FieldError, check_finite

MAX_ABS_VALUE = 1e15
MAX_WEIGHT = 1000.0

VALUE_LIMIT_MESSAGE = "must be between -1e15 and 1e15"
WEIGHT_LIMIT_MESSAGE = "must be more than 0 and at most 1000"

# Powers of two rescale exactly (no rounding), so a sum scaled down, added and scaled back
# up equals the plain sum wherever the plain sum is representable.
_DOWN = 2.0**-64
_UP = 2.0**64


def check_value(field: str, value: float | None) -> list[FieldError]:
    """Refuse a value or target that is not finite or lies beyond +-MAX_ABS_VALUE.

    A missing value (None) is left to the caller to judge.
    """
    if value is None:
        return []
    if not math.isfinite(value):
        return check_finite(field, value)
    if abs(value) > MAX_ABS_VALUE:
        return [FieldError(field, VALUE_LIMIT_MESSAGE)]
    return []


def check_weight(field: str, value: float | None) -> list[FieldError]:
    """Refuse a weight that is not finite, not positive, or above MAX_WEIGHT."""
    if value is None:
        return []
    if not math.isfinite(value):
        return check_finite(field, value)
    if not 0 < value <= MAX_WEIGHT:
        return [FieldError(field, WEIGHT_LIMIT_MESSAGE)]
    return []


def finite_or_none(value: float | None) -> float | None:
    """`value` ready to show or serialise: None when missing or not finite; never -0.0.

    A negative zero (from `-0.0 / x`, or a decreasing key result at its start) is a zero to
    a reader, so it comes back as 0.0 rather than printing "-0.0".
    """
    if value is None or not math.isfinite(value):
        return None
    return value + 0.0


def finite_json(data: Any) -> Any:
    """JSON-ready `data` (dicts, lists, tuples) with every float passed through
    `finite_or_none`: `json.dumps` would write NaN and Infinity, which are not JSON."""
    if isinstance(data, float):
        return finite_or_none(data)
    if isinstance(data, dict):
        return {key: finite_json(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite_json(value) for value in data]
    return data


def bounded(value: float | None) -> float | None:
    """`value` held inside the accepted range; None when missing or NaN.

    For numbers derived from accepted ones that are then stored, such as a KPI's sum over a
    cycle written as a key result's check-in: the sum may legitimately exceed the range, and
    a key result's score cannot tell a number beyond its bounds from one at them.
    """
    if value is None or math.isnan(value):
        return None
    return min(max(value, -MAX_ABS_VALUE), MAX_ABS_VALUE) + 0.0


def total(values: Iterable[float]) -> float:
    """The correctly rounded sum of `values` (`math.fsum`), never raising.

    `math.fsum` raises OverflowError when a partial sum leaves the float range (two values of
    1.7e308), even when the total would fit. Here the sum is then taken on values scaled down
    by a power of two and scaled back: the exact total when it fits, else +-infinity (which
    readers turn into "-" with `finite_or_none`). Accepted values never get there.
    """
    items = list(values)
    try:
        return math.fsum(items)
    except OverflowError:
        return math.fsum(value * _DOWN for value in items) * _UP
    except ValueError:
        # Infinities of both signs: the sum has no value.
        return math.nan
