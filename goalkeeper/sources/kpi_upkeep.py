"""A KPI's data source, for the page that archives or deletes the KPI
(`goalkeeper.kpis.links`, registered in `SourcesConfig.ready`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from goalkeeper.kpis.links import Linked, LinkGroup
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.models import DataSource


def data_source(kpi: Kpi) -> LinkGroup:
    """The KPI's data source, if it has one (one query)."""
    source = DataSource.objects.filter(kpi=kpi).values("kind").first()
    items: tuple[Linked, ...] = ()
    if source is not None:
        label = _("%(kind)s data source") % {"kind": source["kind"].replace("_", " ").upper()}
        items = (Linked(label, reverse("source_detail", args=[kpi.pk])),)
    return LinkGroup(
        kind="data_source",
        label=_("Data source"),
        count=len(items),
        items=items,
        on_archive=_("It keeps its schedule; pause it on its page if it should stop."),
        on_delete=_("It is deleted with its run history."),
    )
