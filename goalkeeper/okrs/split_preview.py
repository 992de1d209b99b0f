"""What the split page shows before anything is written: each share's target and start,
their total, and how far typed amounts are from the target. Computed by the same domain
functions the split uses (`goalkeeper.domain.apportion`), so the preview is what happens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from goalkeeper.domain.apportion import SplitMethod, split_amounts, split_start
from goalkeeper.domain.errors import DomainValidationError


@dataclass(frozen=True)
class PreviewRow:
    target: float | None
    start: float | None


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]
    # What the shares add up to, and how far that is from the target (0 when it adds up).
    total: float | None
    difference: float | None
    problem: str = ""


def _sum(values: Sequence[float]) -> float:
    return float(sum((Decimal(repr(value)) for value in values), Decimal(0)))


def split_preview(
    *,
    start: float,
    target: float,
    method: str,
    amounts: Sequence[float | None],
    weights: Sequence[float | None],
) -> Preview:
    """The shares of `target` (and of `start`) as the split would make them; when the rows
    cannot be split yet, the reason and, for amounts, what they add up to."""
    count = len(amounts)
    empty = Preview(rows=[PreviewRow(None, None)] * count, total=None, difference=None)
    if count == 0:
        return empty
    if method == SplitMethod.AMOUNTS:
        typed = [amount for amount in amounts if amount is not None]
        added = _sum(typed)
        difference = float(Decimal(repr(added)) - Decimal(repr(target)))
        if len(typed) < count:
            rows = [PreviewRow(amount, None) for amount in amounts]
            return Preview(rows, added, difference, gettext_noop("type an amount on every row"))
    try:
        targets = split_amounts(
            target,
            method,
            count,
            weights=[weight or 0.0 for weight in weights],
            amounts=[amount or 0.0 for amount in amounts],
        )
    except DomainValidationError as error:
        message = "; ".join(e.message for e in error.errors)
        if method == SplitMethod.AMOUNTS:
            rows = [PreviewRow(amount, None) for amount in amounts]
            return Preview(rows, added, difference, message)
        return Preview(empty.rows, None, None, message)
    starts = split_start(start, targets)
    rows = [PreviewRow(t, s) for t, s in zip(targets, starts, strict=True)]
    return Preview(rows, _sum(targets), 0.0)
