"""What kpis does when accounts writes, and what it tells accounts it holds: connected and
registered in `KpisConfig.ready` (accounts imports no app above it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from goalkeeper.accounts.holdings import Holding
from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import reassign_owner, refresh_figures


def person_deactivating(
    sender: Any, *, person: Person, new_owner: Person | None, actor: Person | None, **kwargs: Any
) -> None:
    """Hand the leaver's KPIs to the new owner."""
    reassign_owner(actor=actor, person=person, new_owner=new_owner)


def workspace_clock_changed(sender: Any, *, workspace: Workspace, **kwargs: Any) -> None:
    """Periods moved with the zone or the fiscal year: every stored figure is recomputed."""
    refresh_figures(workspace=workspace, due_only=False)


def _kpis_of_teams(team_ids: Sequence[int]) -> Mapping[int, int]:
    """Each team's KPIs in use (archived ones left out)."""
    return Counter(
        Kpi.objects.filter(team_id__in=team_ids, archived_at__isnull=True).values_list(
            "team_id", flat=True
        )
    )


HOLDING = Holding(
    key="kpis",
    title="KPIs",
    singular="KPI",
    plural="KPIs",
    icon="kpi",
    of_person=lambda person: Kpi.objects.filter(
        workspace_id=person.workspace_id, owner=person
    ).count(),
    of_teams=_kpis_of_teams,
)
