"""Small references to accounts' rows that every app's view models share."""

from __future__ import annotations

from dataclasses import dataclass

from goalkeeper.accounts.models import Person


@dataclass(frozen=True)
class PersonRef:
    """Just enough of a person to show an avatar and a name."""

    id: int
    name: str
    initials: str


def person_ref(person: Person | None) -> PersonRef | None:
    """The reference to show for `person` (None stays None)."""
    if person is None:
        return None
    return PersonRef(id=person.pk, name=person.name, initials=person.initials)
