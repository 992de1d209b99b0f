"""The "Export" menu that list pages show: `{% export_menu "objectives,check_ins" query %}`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from django import template

from goalkeeper.exports.filters import PARAMETERS
from goalkeeper.exports.models import ListKind

register = template.Library()

LABELS = {
    ListKind.OBJECTIVES: "Objectives and key results",
    ListKind.CHECK_INS: "Check-ins",
    ListKind.KPIS: "KPIs",
    ListKind.MEASUREMENTS: "Measurements",
}


@register.inclusion_tag("exports/_menu.html", takes_context=True)
def export_menu(
    context: dict[str, Any], lists: str, query: str = "", **named: Any
) -> dict[str, Any]:
    """One form per list, carrying the page's filters (`query`, a query string, and
    `named` values such as `cycle=...`) as hidden fields, with a button per format."""
    values = {**dict(parse_qsl(str(query))), **{k: str(v) for k, v in named.items() if v}}
    entries = []
    for name in str(lists).split(","):
        kind = ListKind(name.strip())
        fields = [(key, values[key]) for key in PARAMETERS[kind] if values.get(key)]
        entries.append({"kind": kind.value, "label": LABELS[kind], "fields": fields})
    return {"entries": entries, "csrf_token": context.get("csrf_token")}
