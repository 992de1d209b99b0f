"""Numbers as people read them: "1,200", "$5", "42%", "8 customers"; "-" for no value.

Pages (template filters), emails and chat messages all format through these, so a value
reads the same everywhere. The separators are arguments ("1.234,5" in German): the caller
passes the reader's (goalkeeper/l10n.py reads the active language's, docs/languages.md);
the defaults are English.
"""

from __future__ import annotations

from typing import Any

from goalkeeper.domain.limits import finite_or_none

NO_VALUE = "-"
PREFIX_UNITS = frozenset({"$", "€", "£", "¥", "₹"})
TIGHT_UNITS = frozenset({"%", "‰", "°", "x"})


def finite(value: Any) -> float | None:
    """`value` as a float, or None when it is missing or not a finite number.

    Every number shown passes here, so a negative zero is shown as 0, never "-0".
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return finite_or_none(number)


def separated(text: str, decimal: str = ".", group: str = ",") -> str:
    """`text`, a number Python wrote ("1,234.5"), with the reader's separators instead."""
    if decimal == "." and group == ",":
        return text
    table: dict[str, str | int | None] = {",": group, ".": decimal}
    return text.translate(str.maketrans(table))


def qty(value: Any, decimal: str = ".", group: str = ",") -> str:
    """A measured value, compact: 1200.0 -> "1,200", 0.125 -> "0.13", None -> "-".

    With German separators (decimal=",", group="."): "1.200", "0,13".
    """
    number = finite(value)
    if number is None:
        return NO_VALUE
    if number == int(number) and abs(number) < 1e15:
        return separated(f"{int(number):,}", decimal, group)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    # A tiny value would round to "0": show it in full rather than pretend it is zero.
    return separated(text if text not in {"0", "-0"} else f"{number:.3g}", decimal, group)


def score1(value: float | None, decimal: str = ".") -> str:
    """A score already rounded to one decimal, as people read it: 0.7 -> "0.7" ("0,7")."""
    return NO_VALUE if value is None else separated(f"{value:.1f}", decimal, "")


def with_unit(value: Any, unit: Any = "", decimal: str = ".", group: str = ",") -> str:
    """A value with its unit where a reader expects it: "$1,200", "42%", "8 customers"."""
    text = qty(value, decimal, group)
    unit = str(unit or "").strip()
    if not unit or text == NO_VALUE:
        return text
    if unit in PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    if unit in TIGHT_UNITS:
        return f"{text}{unit}"
    return f"{text} {unit}"
