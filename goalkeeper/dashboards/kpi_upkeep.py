"""The dashboard tiles that show a KPI, for the page that archives or deletes the KPI
(`goalkeeper.kpis.links`, registered in `DashboardsConfig.ready`). Tiles are counted, never
named: a private dashboard's title is its owner's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from goalkeeper.dashboards.models import Tile, TileKind
from goalkeeper.kpis.links import LinkGroup
from goalkeeper.kpis.models import Kpi


def _shown(kind: str, config: dict[str, object]) -> set[int]:
    """The KPI ids a chart or group tile shows."""
    if kind == TileKind.KPI_CHART:
        wanted: object = [config.get("kpi")]
    else:
        wanted = config.get("kpis", [])
    items = wanted if isinstance(wanted, list) else []
    return {int(pk) for pk in items if str(pk).isdigit()}


def dashboard_tiles(kpi: Kpi) -> LinkGroup:
    """Chart tiles of the KPI and group tiles that list it, in the KPI's workspace (one
    query: a group's ids live in its JSON config, read here)."""
    rows = Tile.objects.filter(
        dashboard__workspace_id=kpi.workspace_id, kind__in=[TileKind.KPI_CHART, TileKind.KPI_GROUP]
    ).values_list("kind", "config")
    count = sum(1 for kind, config in rows if kpi.pk in _shown(kind, config))
    return LinkGroup(
        kind="dashboard_tiles",
        label=_("Dashboard tiles"),
        count=count,
        items=(),
        on_archive=_("They keep showing it."),
        on_delete=_("A chart tile says its KPI is gone; a group tile shows the others."),
    )
