"""Numbers as people read them, with the reader's separators (docs/languages.md)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.formatting import NO_VALUE, qty, score1, separated, with_unit

numbers = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
GERMAN = {"decimal": ",", "group": "."}


def test_german_separators_swap_the_decimal_point_and_the_grouping_comma() -> None:
    assert qty(1234.5, **GERMAN) == "1.234,5"
    assert qty(1200, **GERMAN) == "1.200"
    assert qty(0.25, **GERMAN) == "0,25"
    assert with_unit(1200, "$", **GERMAN) == "$1.200"
    assert with_unit(-3.5, "€", **GERMAN) == "-€3,5"
    assert with_unit(12.5, "customers", **GERMAN) == "12,5 customers"
    assert score1(0.7, ",") == "0,7"


def test_english_is_the_default() -> None:
    assert qty(1234.5) == "1,234.5"
    assert score1(0.7) == "0.7"
    assert score1(None, ",") == NO_VALUE


@given(numbers)
def test_a_german_number_is_the_english_one_with_the_separators_swapped(value: float) -> None:
    english = qty(value)
    german = qty(value, **GERMAN)
    assert german == english.translate(str.maketrans({",": ".", ".": ","}))


@given(numbers)
def test_a_number_with_any_separators_reads_back_as_the_same_value(value: float) -> None:
    english = qty(value)
    text = qty(value, decimal="'", group="\u202f")
    assert text.replace("\u202f", "").replace("'", ".") == english.replace(",", "")


@given(numbers, st.sampled_from(["", "$", "%", "customers"]))
def test_a_german_value_with_its_unit_has_no_english_separator(value: float, unit: str) -> None:
    text = with_unit(value, unit, **GERMAN)
    assert not re.search(r"\d\.\d{1,2}$", text.split(" ")[0].rstrip("%$"))
    assert "," not in text or text.count(",") == 1


@given(st.text(alphabet="0123456789,.-", max_size=20))
def test_separated_maps_every_separator_and_keeps_the_digits(text: str) -> None:
    swapped = separated(text, decimal=",", group=".")
    assert len(swapped) == len(text)
    assert [c for c in swapped if c.isdigit()] == [c for c in text if c.isdigit()]
