"""The shares of a split as a page or an API body names them (ids), turned into `Share`s.

One resolver for the web form and the API, so both refuse an unknown person, team or
objective the same way: a field error on the share's row (`shares.2.team`), never a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from goalkeeper.accounts.models import Person, Team
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.services import Share, share_field


@dataclass(frozen=True)
class ShareIds:
    """One row of a split as typed: ids of a person, a team, an objective; amount, weight."""

    person: int | None = None
    team: int | None = None
    amount: float | None = None
    weight: float | None = None
    objective: int | None = None


def resolve_shares(caller: Person, rows: Sequence[ShareIds]) -> list[Share]:
    """The shares, with each id looked up in the caller's workspace (one query per kind,
    whatever the number of rows); every unknown id of every row is reported at once, keyed
    by the row, in the words of the single lookups ("no such team")."""
    workspace = {"workspace_id": caller.workspace_id}
    kinds: dict[str, tuple[QuerySet[Any], str]] = {
        "person": (Person.objects.select_related("user", "workspace"), "no such person"),
        "team": (Team.objects.all(), "no such team"),
        "objective": (
            Objective.objects.select_related("cycle", "team", "owner", "reviewer"),
            "no such objective",
        ),
    }
    found: dict[str, dict[int, Any]] = {}
    for name, (rows_of_kind, _) in kinds.items():
        ids = {getattr(row, name) for row in rows} - {None}
        found[name] = rows_of_kind.filter(pk__in=ids, **workspace).in_bulk() if ids else {}
    errors: dict[str, str] = {}
    shares: list[Share] = []
    for index, row in enumerate(rows):
        picked: dict[str, Any] = {}
        for name, (_, missing) in kinds.items():
            ref = getattr(row, name)
            if ref is None:
                continue
            if ref in found[name]:
                picked[name] = found[name][ref]
            else:
                errors[share_field(index, name)] = missing
        shares.append(Share(amount=row.amount, weight=row.weight, **picked))
    if errors:
        raise ValidationError(errors)
    return shares
