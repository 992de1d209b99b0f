"""Apportion a target: split one amount into shares (docs/cascade.md, "Splitting a target").

Three methods: equal shares, shares by weight, or amounts typed by the user, which must add
up to the total. Shares are rounded to cents (two decimals, or the total's own decimals when
it has more), or to whole numbers when the total is whole, every share is at least 1 and the
last share stays within 1 of its exact value. The rounding remainder goes to the last share,
so the shares always add up to the total exactly (as decimals: the floats returned are the
nearest to those decimals).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from goalkeeper.domain.errors import DomainValidationError, FieldError
from goalkeeper.domain.formatting import qty


class SplitMethod(StrEnum):
    """How a total is shared out."""

    EQUAL = "equal"
    WEIGHT = "weight"
    AMOUNTS = "amounts"


# Cents: fine enough for money and most counts, coarse enough to read.
DEFAULT_PLACES = 2
# A total typed with more decimals than this is rounded to this many.
MAX_PLACES = 6


def _decimal(value: float) -> Decimal:
    # The shortest text that reads back as the float: 0.1 is 0.1, not 0.1000000000000000055.
    return Decimal(repr(float(value)))


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only reach here
    return min(max(-exponent, 0), MAX_PLACES)


def _refuse(field: str, message: str) -> DomainValidationError:
    return DomainValidationError([FieldError(field, message)])


def _check_finite(field: str, values: Sequence[float]) -> None:
    if any(not math.isfinite(value) for value in values):
        raise _refuse(field, "must be finite numbers")


def _apportion(total: Decimal, fractions: Sequence[Decimal]) -> list[float]:
    """Shares of `total` by `fractions` (which add up to 1), rounded; remainder on the last."""
    exact = [total * fraction for fraction in fractions]
    if _places(total) == 0 and all(abs(share) >= 1 or share == 0 for share in exact):
        whole = _rounded(total, exact, 0)
        # Whole shares only while the last one stays within one unit of its exact share:
        # 6 among 4 is 1.5 each, not 2, 2, 2 and 0.
        if abs(whole[-1] - exact[-1]) < 1:
            return [float(share) for share in whole]
    places = max(DEFAULT_PLACES, _places(total))
    return [float(share) for share in _rounded(total, exact, places)]


def _rounded(total: Decimal, exact: Sequence[Decimal], places: int) -> list[Decimal]:
    quantum = Decimal(1).scaleb(-places)
    rounded = [share.quantize(quantum, rounding=ROUND_HALF_EVEN) for share in exact[:-1]]
    rounded.append(total.quantize(quantum) - sum(rounded, Decimal(0)))
    return rounded


def _equal_fractions(count: int) -> list[Decimal]:
    return [Decimal(1) / Decimal(count)] * count


def split_amounts(
    total: float,
    method: str,
    count: int,
    weights: Sequence[float] | None = None,
    amounts: Sequence[float] | None = None,
) -> list[float]:
    """`count` shares of `total` by `method` ("equal", "weight" or "amounts").

    By weight: proportional to `weights` (non-negative, not all zero). Amounts: `amounts`
    as typed, which must add up to the total (to half the rounding step), else the error
    says by how much they miss it. Raises `DomainValidationError` naming the field.
    """
    if method not in SplitMethod._value2member_map_:
        raise _refuse("method", f"must be one of {', '.join(m.value for m in SplitMethod)}")
    if count < 1:
        raise _refuse("shares", "add at least one share")
    _check_finite("total", [total])
    exact_total = _decimal(total)
    if method == SplitMethod.EQUAL:
        return _apportion(exact_total, _equal_fractions(count))
    if method == SplitMethod.WEIGHT:
        return _apportion(exact_total, weight_fractions(weights, count))
    return typed_amounts(total, count, amounts)


def weight_fractions(weights: Sequence[float] | None, count: int) -> list[Decimal]:
    """Each weight's fraction of their sum; refused when missing, negative or all zero."""
    if weights is None or len(weights) != count:
        raise _refuse("weights", "give one weight for each share")
    _check_finite("weights", weights)
    if any(weight < 0 for weight in weights):
        raise _refuse("weights", "a weight cannot be negative")
    exact = [_decimal(weight) for weight in weights]
    whole = sum(exact, Decimal(0))
    if whole == 0:
        raise _refuse("weights", "at least one weight must be more than 0")
    return [weight / whole for weight in exact]


def typed_amounts(total: float, count: int, amounts: Sequence[float] | None) -> list[float]:
    """The amounts as typed when they add up to `total`; else the error says by how much."""
    if amounts is None or len(amounts) != count:
        raise _refuse("amounts", "give one amount for each share")
    _check_finite("amounts", amounts)
    exact_total = _decimal(total)
    exact = [_decimal(amount) for amount in amounts]
    added = sum(exact, Decimal(0))
    difference = added - exact_total
    places = max(DEFAULT_PLACES, _places(exact_total), *(_places(a) for a in exact))
    if abs(difference) >= Decimal(1).scaleb(-places) / 2:
        side = "short of" if difference < 0 else "over"
        raise _refuse(
            "amounts",
            f"the amounts add up to {qty(float(added))}, "
            f"{qty(float(abs(difference)))} {side} {qty(total)}",
        )
    # Within half a step: the last share takes the crumb, so the sum is the total exactly.
    shares = [*exact[:-1], exact_total - sum(exact[:-1], Decimal(0))]
    return [float(share) for share in shares]


def split_start(start: float, target_shares: Sequence[float]) -> list[float]:
    """The start value split in the same proportions as the target was.

    Equal shares when the target shares add up to 0 (no proportion to follow).
    """
    _check_finite("start", [start])
    exact = [_decimal(share) for share in target_shares]
    whole = sum(exact, Decimal(0))
    if not exact:
        return []
    fractions = _equal_fractions(len(exact)) if whole == 0 else [share / whole for share in exact]
    return _apportion(_decimal(start), fractions)
