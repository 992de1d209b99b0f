"""KPIs for the search-as-you-type pickers (docs/pickers.md): a scoped lookup and a search."""

from __future__ import annotations

from django.db.models import Q

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.accounts.pickers import team_ids_of
from goalkeeper.kpis.models import Kpi
from goalkeeper.pickers import Option, Source, ranked


def kpi_label(kpi: Kpi) -> str:
    return f"{kpi.name} · {kpi.team.name}"


def kpis_source(workspace: Workspace, *, keep: int | None = None) -> Source:
    """KPIs of the workspace not archived; `keep` (the KPI a key result reads now) even
    when it was archived since."""

    def find(kpi_id: int) -> Kpi | None:
        rows = Kpi.objects.filter(pk=kpi_id, workspace=workspace).select_related("team")
        if kpi_id != keep:
            rows = rows.filter(archived_at__isnull=True)
        return rows.first()

    return Source(url_name="pick_kpis", noun="KPI", find=find, label=kpi_label)


def search_kpis(viewer: Person, q: str) -> list[Option]:
    """KPIs not archived matching `q` by name, the viewer's teams' first, each with its team
    as a hint. Two queries."""
    rows = Kpi.objects.filter(workspace_id=viewer.workspace_id, archived_at__isnull=True)
    mine = team_ids_of(viewer)
    found = ranked(
        rows.select_related("team"),
        q,
        name="name",
        preferred=Q(team_id__in=mine) if mine else None,
        then=("name",),
    )
    return [Option(k.pk, k.name, k.team.name) for k in found]
