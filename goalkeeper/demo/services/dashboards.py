"""The demo company's dashboard: "Company pulse", shared with everyone (docs/dashboards.md).

Written through the dashboards services at the end of the load: KPI health counts, a note,
three of the company's KPI charts, its objectives with their key results, the pace of the
cycle's objectives and a group of KPIs, arranged on the grid.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.accounts.services import company_team
from goalkeeper.dashboards import services
from goalkeeper.dashboards.models import Dashboard
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.cycles import active_cycle
from goalkeeper.okrs.models import Objective, ObjectiveState

NOTE = (
    "Monday leadership sync.\n"
    "Red first: each owner says what changes this week.\n"
    "Questions go in the KPI's comments."
)


def write_dashboards(workspace: Workspace, admin: Person) -> Dashboard:
    """The "Company pulse" dashboard of the demo company, owned by its admin."""
    company = company_team(workspace)
    kpis = list(
        Kpi.objects.filter(
            workspace=workspace, archived_at__isnull=True, last_measurement_at__isnull=False
        )
        .order_by(F("team__parent_id").asc(nulls_first=True), "id")
        .values_list("id", flat=True)[:8]
    )
    cycle = active_cycle(workspace)
    objectives = (
        list(
            Objective.objects.filter(workspace=workspace, cycle=cycle, team=company)
            .exclude(state=ObjectiveState.DRAFT)
            .order_by("id")
            .values_list("id", flat=True)[:2]
        )
        if cycle is not None
        else []
    )
    dashboard = services.create_dashboard(
        actor=admin,
        title="Company pulse",
        description="The company's health at a glance, for the Monday leadership sync.",
        sharing="workspace",
    )
    placed: list[dict[str, Any]] = []

    def add(
        kind: str, config: dict[str, Any], x: int, y: int, w: int, h: int, title: str = ""
    ) -> None:
        tile = services.add_tile(
            actor=admin, dashboard=dashboard, kind=kind, config=config, title=title, w=w, h=h
        )
        placed.append({"id": tile.pk, "x": x, "y": y, "w": w, "h": h})

    add("health_counts", {"team": None}, 0, 0, 6, 2, "KPI health · everyone")
    add("text", {"text": NOTE}, 6, 0, 6, 2, "This week")
    for index, kpi in enumerate(kpis[:3]):
        add("kpi_chart", {"kpi": kpi}, 4 * index, 2, 4, 4)
    for index, objective in enumerate(objectives):
        add("objective", {"objective": objective}, 6 * index, 6, 6, 3)
    add("insight_chart", {"chart": "pace", "team": None}, 0, 9, 6, 4)
    if kpis[3:]:
        add("kpi_group", {"kpis": kpis[3:8]}, 6, 9, 6, 4, "More KPIs")
    services.arrange(actor=admin, dashboard=dashboard, layout=placed)
    return dashboard
