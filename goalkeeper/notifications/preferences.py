"""Reading each person's delivery choices: a kind's default unless they chose otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from goalkeeper.notifications.kinds import ALL, KINDS, Email, kind_named
from goalkeeper.notifications.models import Preference


@dataclass(frozen=True)
class Choice:
    """How one kind reaches one person."""

    email: Email
    chat: bool


def choices_for(person_ids: Iterable[int], kind: str) -> dict[int, Choice]:
    """Each person's choice for `kind`, with every email off for who unsubscribed from all.

    One query whatever the number of people.
    """
    default = kind_named(kind)
    people = set(person_ids)
    chosen: dict[int, Choice] = {p: Choice(default.email, False) for p in people}
    all_off: set[int] = set()
    for person_id, row_kind, email, chat in Preference.objects.filter(
        person_id__in=people, kind__in=[kind, ALL]
    ).values_list("person_id", "kind", "email", "chat"):
        if row_kind == ALL:
            if email == Email.OFF:
                all_off.add(person_id)
        else:
            chosen[person_id] = Choice(Email(email), chat)
    for person_id in all_off:
        chosen[person_id] = Choice(Email.OFF, chosen[person_id].chat)
    return chosen


def wants_email(person_id: int, kind: str) -> bool:
    """Whether the person gets email of this kind at all (immediately or batched)."""
    return choices_for([person_id], kind)[person_id].email != Email.OFF


def all_email_off(person_id: int) -> bool:
    """Whether the person unsubscribed from every email."""
    return Preference.objects.filter(person_id=person_id, kind=ALL, email=Email.OFF).exists()


def table_for(person_id: int) -> dict[str, Choice]:
    """Every kind's choice for one person, for the preferences page (one query)."""
    rows = {
        kind: Choice(Email(email), chat)
        for kind, email, chat in Preference.objects.filter(person_id=person_id).values_list(
            "kind", "email", "chat"
        )
    }
    return {name: rows.get(name, Choice(k.email, False)) for name, k in KINDS.items()}
