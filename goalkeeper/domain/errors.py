"""Validation errors shared by every domain check.

Checks return a list of `FieldError` instead of raising, so a form or an API call can show
every problem at once; callers that prefer an exception wrap the list in
`DomainValidationError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, named as the attribute it concerns."""

    field: str
    message: str


class DomainValidationError(ValueError):
    """Raised by callers that turn a non-empty list of `FieldError` into an exception."""

    errors: tuple[FieldError, ...]

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))


def check_finite(field: str, value: float | None) -> list[FieldError]:
    """Refuse NaN and infinities; a missing value (None) is left to the caller to judge."""
    if value is None or math.isfinite(value):
        return []
    return [FieldError(field, "must be a finite number")]
