"""Guessing the field of each column from its header (docs/importers.md, "Columns")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.importers.columns import FIELDS, IGNORE, column_fields, guess, guess_mapping
from goalkeeper.portability.document import DocumentError

SYNONYMS = [(synonym, field.name) for field in FIELDS for synonym in field.synonyms]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Objective", "objective"),
        ("KR", "key_result"),
        ("Key Result", "key_result"),
        ("Start value", "start"),
        ("Target", "target"),
        ("Owner email", "owner"),
        ("Owner E-Mail", "owner"),
        ("  ZIEL ", "objective"),
        ("Schlüsselergebnis", "key_result"),
        ("Zielwert", "target"),
        ("Aktueller Wert", "current"),
        ("Verantwortlich", "owner"),
        ("Quartal", "cycle"),
        ("Colour", IGNORE),
    ],
)
def test_headers_in_english_and_german_name_their_field(header: str, field: str) -> None:
    assert guess(header) == field


@given(
    st.sampled_from(SYNONYMS),
    st.lists(st.sampled_from(["upper", "title", "spaces", "underscores"]), max_size=3),
)
def test_a_synonym_is_found_whatever_its_case_and_spacing(
    pair: tuple[str, str], changes: list[str]
) -> None:
    synonym, field = pair
    header = synonym
    for change in changes:
        if change == "upper":
            header = header.upper()
        elif change == "title":
            header = header.title()
        elif change == "spaces":
            header = f"  {header.replace(' ', '  ')} "
        else:
            header = header.replace(" ", "_")
    assert guess(header) == field


@given(st.permutations(["Objective", "Key result", "Target", "Ziel", "Owner"]))
def test_a_field_two_columns_name_goes_to_the_first(headers: list[str]) -> None:
    mapping = guess_mapping(headers)
    objectives = [header for header in headers if mapping[header] == "objective"]
    assert objectives == [next(h for h in headers if h in ("Objective", "Ziel"))]


def test_a_given_mapping_changes_the_guess() -> None:
    columns = column_fields(
        ["Goal", "Result", "Notes"], {"Goal": "objective", "Result": "key_result"}, "f.csv"
    )
    assert columns == {0: "objective", 1: "key_result"}


def test_an_unknown_field_or_column_or_a_field_twice_is_refused_by_name() -> None:
    with pytest.raises(DocumentError) as refused:
        column_fields(["Objective", "KR"], {"KR": "colour", "Nope": "target"}, "f.csv")
    assert [str(p) for p in refused.value.problems] == [
        "f.csv: KR: 'colour' is not a field: one of " + ", ".join(field.name for field in FIELDS),
        "f.csv: Nope: is not a column of the file",
    ]
    with pytest.raises(DocumentError) as twice:
        column_fields(["Objective", "KR"], {"KR": "objective"}, "f.csv")
    assert str(twice.value) == "f.csv: KR: objective is already the column 'Objective'"


def test_a_file_without_an_objective_column_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"f\.csv:1: objective: no column holds"):
        column_fields(["Title", "Target"], None, "f.csv")
