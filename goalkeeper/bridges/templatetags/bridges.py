"""Template tags that put the bridges on the KPI pages, which the kpis app cannot import.

    {% load bridges %}
    {% kpi_bridges kpi person as bridges %}       the KPI page's recoveries and links
    {% recovering_kpis board.tiles as recovering %}  {% if tile.id in recovering %}

Each tag runs one bridges query (a fixed number of SQL queries, whatever the data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from goalkeeper.bridges import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def kpi_bridges(context: template.Context, kpi: Any, person: Any) -> queries.KpiBridges:
    """The KPI page's bridges for `person`."""
    return queries.kpi_bridges(kpi, person)


@register.simple_tag
def recovering_kpis(tiles: Iterable[Any]) -> frozenset[int]:
    """Ids of the tiles' KPIs that have an open recovery objective."""
    return queries.recovering_kpi_ids(tile.id for tile in tiles)
