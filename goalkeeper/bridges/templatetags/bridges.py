"""Template tags that put the bridges on the KPI pages, which the kpis app cannot import.

    {% load bridges %}
    {% kpi_bridges kpi person as bridges %}       the KPI page's recoveries and links
    {% recovering_kpis board.tiles as recovering %}  {% if tile.id in recovering %}
    {% objective_guardrails row person as guardrails %}  the objective page's guardrails
    {% guardrail_flags rows as flags %}              {% flags_of flags row.id as flagged %}
    {% cycle_guardrail_flags cycle as flagged %}     the cycle board's flagged objectives
    {% kpi_drivers kpi person as drivers %}          the KPI page's driver links

Each tag runs one bridges query (a fixed number of SQL queries, whatever the data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from goalkeeper.bridges import driver_queries, guardrail_queries, queries

register = template.Library()


@register.simple_tag(takes_context=True)
def kpi_bridges(context: template.Context, kpi: Any, person: Any) -> queries.KpiBridges:
    """The KPI page's bridges for `person`."""
    return queries.kpi_bridges(kpi, person)


@register.simple_tag
def recovering_kpis(tiles: Iterable[Any]) -> frozenset[int]:
    """Ids of the tiles' KPIs that have an open recovery objective."""
    return queries.recovering_kpi_ids(tile.id for tile in tiles)


@register.simple_tag
def objective_guardrails(row: Any, person: Any) -> guardrail_queries.ObjectiveGuardrails:
    """The objective page's guardrails for `person` (`row` is the page's objective row)."""
    owner_id = row.owner.id if row.owner is not None else None
    return guardrail_queries.objective_guardrails(row.id, owner_id, row.state, person)


@register.simple_tag
def guardrail_flags(rows: Iterable[Any]) -> dict[int, list[guardrail_queries.GuardrailFlag]]:
    """{objective id: its guardrail flags} for the rows of a board (one query)."""
    return guardrail_queries.guardrail_flags(row.id for row in rows)


@register.simple_tag
def flags_of(flags: dict[int, Any], objective_id: int) -> list[Any]:
    """The flags of one objective of `guardrail_flags`."""
    return list(flags.get(objective_id, ()))


@register.simple_tag
def kpi_drivers(kpi: Any, person: Any) -> driver_queries.KpiDrivers:
    """The KPI page's driver links with their correlations, for `person`."""
    return driver_queries.kpi_drivers(kpi, person)


@register.simple_tag
def cycle_guardrail_flags(cycle: Any) -> guardrail_queries.CycleFlags:
    """The cycle's objectives a guardrail flags, for its board (two queries)."""
    return guardrail_queries.cycle_flags(cycle.id)
