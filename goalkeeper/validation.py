"""Bridge the domain's FieldError lists to Django's ValidationError."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from goalkeeper.domain.errors import FieldError


def raise_field_errors(errors: Iterable[FieldError]) -> None:
    """Raise one ValidationError keyed by field when the domain found problems."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message)
    if by_field:
        raise ValidationError(by_field)


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """Flatten a ValidationError into (field, message) pairs for the API and the CLI."""
    if hasattr(exc, "error_dict"):
        return [
            (field, message) for field, errors in exc.message_dict.items() for message in errors
        ]
    return [("__all__", message) for message in exc.messages]
