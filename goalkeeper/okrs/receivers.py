"""What okrs does when accounts writes, and what it tells accounts it holds: connected and
registered in `OkrsConfig.ready` (accounts imports no app above it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from goalkeeper.accounts.holdings import Holding
from goalkeeper.accounts.models import Person
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import reassign_owner


def person_deactivating(
    sender: Any, *, person: Person, new_owner: Person | None, actor: Person | None, **kwargs: Any
) -> None:
    """Hand the leaver's objectives and key results to the new owner."""
    reassign_owner(actor=actor, person=person, new_owner=new_owner)


def _objectives_of_teams(team_ids: Sequence[int]) -> Mapping[int, int]:
    return Counter(Objective.objects.filter(team_id__in=team_ids).values_list("team_id", flat=True))


HOLDINGS = (
    Holding(
        key="objectives",
        title="Objectives",
        singular="objective",
        plural="objectives",
        icon="target",
        of_person=lambda person: Objective.objects.filter(
            workspace_id=person.workspace_id, owner=person
        ).count(),
        of_teams=_objectives_of_teams,
    ),
    Holding(
        key="key_results",
        title="Key results",
        singular="key result",
        plural="key results",
        icon="target",
        of_person=lambda person: KeyResult.objects.filter(
            workspace_id=person.workspace_id, owner=person
        ).count(),
    ),
)
