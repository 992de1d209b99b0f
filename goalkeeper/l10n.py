"""Numbers in the reader's language: the pure formatting functions with the active
language's separators ("1,234.5" in English, "1.234,5" in German).

Pages format through the template filters (goalkeeper_ui), which call these; emails and chat
messages render inside `translation.override(recipient's language)` and call them too. See
docs/languages.md.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats

from goalkeeper.domain import formatting


def separators() -> tuple[str, str]:
    """The active language's decimal and group separators, e.g. (",", ".") in German."""
    return (
        str(formats.get_format("DECIMAL_SEPARATOR")),
        str(formats.get_format("THOUSAND_SEPARATOR")),
    )


def qty(value: Any) -> str:
    """A measured value, compact, in the active language: 1234.5 -> "1,234.5" / "1.234,5"."""
    decimal, group = separators()
    return formatting.qty(value, decimal, group)


def with_unit(value: Any, unit: Any = "") -> str:
    """A value with its unit, in the active language: "$1,200" / "$1.200", "8 customers"."""
    decimal, group = separators()
    return formatting.with_unit(value, unit, decimal, group)


def score1(value: float | None) -> str:
    """A rounded score to one decimal in the active language: "0.7" / "0,7"."""
    return formatting.score1(value, separators()[0])
