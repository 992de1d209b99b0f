"""The fields a column of a spreadsheet can hold, and the guess of which one it holds.

A header is compared without case, spaces or punctuation ("Owner e-mail" reads
"owneremail"), with the English and German words of each field (docs/importers.md,
"Columns"). The person importing can change every guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from goalkeeper.portability.document import DocumentError, Problem

# A column mapped to this is left out.
IGNORE = ""


@dataclass(frozen=True)
class Field:
    name: str
    label: str | Promise
    synonyms: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "objective",
        _("Objective"),
        (
            "objective",
            "objective title",
            "objective name",
            "objectives",
            "okr",
            "ziel",
            "ziele",
            "zieltitel",
            "objective titel",
        ),
    ),
    Field(
        "objective_owner",
        _("Objective owner"),
        (
            "objective owner",
            "objective owner email",
            "objective owner e-mail",
            "objective lead",
            "zielverantwortlich",
            "zielverantwortliche",
            "verantwortlich ziel",
            "objective verantwortlich",
        ),
    ),
    Field(
        "objective_kind",
        _("Objective kind"),
        ("kind", "objective kind", "objective type", "commitment", "art des ziels", "zielart"),
    ),
    Field(
        "description",
        _("Objective description"),
        ("description", "objective description", "beschreibung", "zielbeschreibung"),
    ),
    Field("team", _("Team"), ("team", "team name", "department", "abteilung", "bereich")),
    Field(
        "cycle",
        _("Cycle"),
        (
            "cycle",
            "cycle name",
            "period",
            "quarter",
            "okr cycle",
            "zyklus",
            "zeitraum",
            "quartal",
            "periode",
        ),
    ),
    Field(
        "cycle_start",
        _("Cycle start"),
        (
            "cycle start",
            "period start",
            "start date",
            "zyklusbeginn",
            "zyklus start",
            "startdatum",
            "beginn",
        ),
    ),
    Field(
        "cycle_end",
        _("Cycle end"),
        (
            "cycle end",
            "period end",
            "end date",
            "due date",
            "zyklusende",
            "zyklus ende",
            "enddatum",
            "ende",
        ),
    ),
    Field(
        "key_result",
        _("Key result"),
        (
            "key result",
            "key results",
            "kr",
            "key result title",
            "kr title",
            "key result name",
            "schlusselergebnis",
            "schluesselergebnis",
            "messgrosse",
            "kr titel",
        ),
    ),
    Field(
        "owner",
        _("Key result owner"),
        (
            "owner",
            "owner email",
            "owner e-mail",
            "kr owner",
            "key result owner",
            "key result owner email",
            "kr owner email",
            "email",
            "e-mail",
            "assignee",
            "responsible",
            "verantwortlich",
            "verantwortliche",
            "verantwortlicher",
            "kr verantwortlich",
            "besitzer",
        ),
    ),
    Field("unit", _("Unit"), ("unit", "units", "unit of measure", "einheit", "masseinheit")),
    Field(
        "start",
        _("Start value"),
        (
            "start",
            "start value",
            "starting value",
            "baseline",
            "initial value",
            "from",
            "startwert",
            "ausgangswert",
            "basiswert",
            "von",
        ),
    ),
    Field(
        "target",
        _("Target"),
        (
            "target",
            "target value",
            "goal",
            "goal value",
            "to",
            "zielwert",
            "sollwert",
            "soll",
            "bis",
        ),
    ),
    Field(
        "current",
        _("Current value"),
        (
            "current",
            "current value",
            "actual",
            "actual value",
            "value",
            "progress value",
            "latest value",
            "aktuell",
            "aktueller wert",
            "istwert",
            "ist",
            "wert",
        ),
    ),
    Field(
        "direction",
        _("Direction"),
        (
            "direction",
            "kr kind",
            "key result kind",
            "key result type",
            "kr type",
            "type",
            "richtung",
            "typ",
            "art",
        ),
    ),
    Field("commit", _("Commit"), ("commit", "commit value", "committed value", "zusage")),
    Field(
        "stretch",
        _("Stretch"),
        (
            "stretch",
            "stretch value",
            "stretch target",
            "stretch goal",
            "stretchziel",
            "stretch ziel",
        ),
    ),
    Field("low", _("Lowest value"), ("low", "minimum", "min", "lower bound", "untergrenze")),
    Field("high", _("Highest value"), ("high", "maximum", "max", "upper bound", "obergrenze")),
    Field("weight", _("Weight"), ("weight", "gewicht", "gewichtung")),
)
BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}


def normal(header: str) -> str:
    """A header as it is compared: lower case, letters and digits only, umlauts folded."""
    folded = header.casefold()
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u")):
        folded = folded.replace(umlaut, plain)
    return re.sub(r"[\W_]+", "", folded)


SYNONYMS: dict[str, str] = {
    normal(synonym): field.name for field in FIELDS for synonym in (field.name, *field.synonyms)
}


def guess(header: str) -> str:
    """The field a header names, or IGNORE."""
    return SYNONYMS.get(normal(header), IGNORE)


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Each header's field, as guessed; a field two columns name goes to the first."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        if header in mapping:
            continue
        field = guess(header)
        mapping[header] = field if field not in taken else IGNORE
        taken.add(field)
    return mapping


def column_fields(
    headers: Sequence[str], given: Mapping[str, str] | None, file: str
) -> dict[int, str]:
    """Each column's field (by position): the guess, changed by `given` (header -> field
    name, "" to leave the column out). Refuses an unknown column or field, a field mapped
    from two columns, and a file without an objective column."""
    mapping = guess_mapping(headers)
    problems: list[Problem] = []
    for header, name in (given or {}).items():
        name = name.strip()
        if header not in mapping:
            problems.append(Problem(file, None, header, "is not a column of the file"))
        elif name not in BY_NAME and name != IGNORE:
            problems.append(
                Problem(file, None, header, f"{name!r} is not a field: one of {', '.join(BY_NAME)}")
            )
        else:
            mapping[header] = name
    first: dict[str, str] = {}
    for header, name in mapping.items():
        if name == IGNORE:
            continue
        if name in first:
            problems.append(
                Problem(file, None, header, f"{name} is already the column {first[name]!r}")
            )
        first.setdefault(name, header)
    if "objective" not in first and not problems:
        problems.append(
            Problem(file, 1, "objective", "no column holds the objectives' titles: map one")
        )
    if problems:
        raise DocumentError(problems)
    by_index: dict[int, str] = {}
    for index, header in enumerate(headers):
        if mapping.get(header) and header not in (headers[:index]):
            by_index[index] = mapping[header]
    return by_index
