"""A dashboard as a PDF (a print page with its charts as inline SVG, through WeasyPrint) and
as a PowerPoint deck (a title slide, then one slide per tile: KPI charts as native line
charts, groups and objectives as tables). Same tiles and figures as the page
(`goalkeeper.dashboards.tiles`), as the person exporting may see them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from goalkeeper.accounts.models import Person
from goalkeeper.dashboards.models import Dashboard, TileKind
from goalkeeper.dashboards.tiles import (
    HealthCountsBody,
    KpiChartBody,
    KpiGroupBody,
    ObjectiveBody,
    TeamSummaryBody,
    TextBody,
    TileView,
    tile_views,
)
from goalkeeper.documents.pdf import pdf_from_html
from goalkeeper.documents.slides import Deck
from goalkeeper.documents.svg import bar_chart_svg, line_chart_svg
from goalkeeper.web.templatetags.goalkeeper_ui import (
    health_label,
    pace_label,
    percent,
    with_unit,
)

# Colours of the statuses on slides and print (the app's palette).
TONES = {
    "green": "#2f9e44",
    "on_track": "#2f9e44",
    "yellow": "#f59f00",
    "at_risk": "#f59f00",
    "red": "#e03131",
    "off_track": "#e03131",
    "stale": "#98a2b3",
    "no_data": "#98a2b3",
    "not_started": "#98a2b3",
}
NOT_AVAILABLE = gettext_lazy("Not available: what this tile showed is gone or not yours to see.")


def file_name(dashboard: Dashboard, extension: str) -> str:
    """A safe download name from the title, e.g. `company-pulse.pdf`."""
    stem = re.sub(r"[^a-z0-9]+", "-", dashboard.title.lower()).strip("-")[:60] or "dashboard"
    return f"{stem}.{extension}"


def _embedded(svg: str) -> SafeString:
    # matplotlib escapes every text it writes into the SVG and `documents.svg` escapes the
    # title: the element is markup to embed as it is.
    return mark_safe(svg)  # noqa: S308


def _svg_of(view: TileView) -> SafeString:
    body = view.body
    if isinstance(body, KpiChartBody):
        points = [(p.start.date(), p.value) for p in body.points]
        return _embedded(
            line_chart_svg(
                points, target=body.tile.target, unit=body.tile.unit, title=view.title, height=2.0
            )
        )
    if isinstance(body, HealthCountsBody | TeamSummaryBody):
        tallies = body.health
        return _embedded(
            bar_chart_svg(
                [health_label(t.health) for t in tallies],
                [float(t.count) for t in tallies],
                colours=[TONES.get(str(t.health), "#98a2b3") for t in tallies],
                title=_("KPI health · %(title)s") % {"title": view.title},
                height=1.8,
            )
        )
    return SafeString("")


def dashboard_pdf(dashboard: Dashboard, viewer: Person, now: dt.datetime) -> bytes:
    """The PDF of the dashboard's tiles, in grid order."""
    views = tile_views(dashboard, viewer, now)
    html = render_to_string(
        "dashboards/print.html",
        {
            "dashboard": dashboard,
            "tiles": [(view, _svg_of(view)) for view in views],
            "printed_at": timezone.localtime(now),
            "not_available": NOT_AVAILABLE,
        },
    )
    return pdf_from_html(html)


def _kpi_rows(body: KpiGroupBody | KpiChartBody) -> tuple[list[list[str]], list[str | None]]:
    tiles = body.tiles if isinstance(body, KpiGroupBody) else (body.tile,)
    rows = [
        [
            t.name,
            t.team_name,
            with_unit(t.value, t.unit),
            with_unit(t.target, t.unit) if t.target is not None else "-",
            health_label(t.health),
        ]
        for t in tiles
    ]
    return rows, [TONES.get(str(t.health)) for t in tiles]


def _slide(deck: Deck, view: TileView) -> None:
    body: Any = view.body
    if body is None:
        deck.add_bullets(view.title, [str(NOT_AVAILABLE)])
    elif isinstance(body, KpiChartBody):
        note = (
            f"{body.tile.status.period_label}: {with_unit(body.tile.value, body.tile.unit)}"
            f" · {health_label(body.tile.health)}"
        )
        if body.tile.target is not None:
            note += " · " + _("target %(value)s") % {
                "value": with_unit(body.tile.target, body.tile.unit)
            }
        if not body.points:
            deck.add_bullets(view.title, [note, _("No values yet.")])
            return
        deck.add_line_chart(
            view.title,
            [p["label"] for p in body.chart["points"]],
            {body.tile.name: [p.value for p in body.points]},
            note=note,
        )
    elif isinstance(body, KpiGroupBody):
        rows, fills = _kpi_rows(body)
        deck.add_table(
            view.title, ["KPI", _("Team"), _("Value"), _("Target"), _("Health")], rows, fills
        )
    elif isinstance(body, ObjectiveBody):
        row = body.row
        header = [_("Key result"), _("Owner"), _("Progress"), _("Status")]
        rows = [
            [
                kr.title,
                kr.owner.name if kr.owner else "-",
                percent(kr.progress),
                pace_label(kr.status) if not row.locked else _("Closed"),
            ]
            for kr in row.key_results
        ]
        fills = [TONES.get(str(kr.status)) if not row.locked else None for kr in row.key_results]
        title = f"{row.title} · {percent(row.progress)} · {body.cycle_name}"
        deck.add_table(title, header, rows, fills)
    elif isinstance(body, TeamSummaryBody):
        lines = [
            ngettext(
                "%(count)s objective in %(cycle)s: %(paces)s",
                "%(count)s objectives in %(cycle)s: %(paces)s",
                body.objective_count,
            )
            % {
                "count": body.objective_count,
                "cycle": body.cycle_name or _("no open cycle"),
                "paces": ", ".join(f"{c.count} {pace_label(c.status).lower()}" for c in body.pace),
            },
            ngettext("%(count)s KPI: %(healths)s", "%(count)s KPIs: %(healths)s", body.kpi_count)
            % {
                "count": body.kpi_count,
                "healths": ", ".join(
                    f"{t.count} {health_label(t.health).lower()}" for t in body.health
                ),
            },
            *(
                f"{o.title}: {percent(o.progress)}, {pace_label(o.status).lower()}"
                for o in body.objectives
            ),
        ]
        deck.add_bullets(view.title, lines)
    elif isinstance(body, HealthCountsBody):
        deck.add_table(
            view.title,
            [_("Health"), "KPIs"],
            [[health_label(t.health), str(t.count)] for t in body.health],
            [TONES.get(str(t.health)) for t in body.health],
        )
    elif isinstance(body, TextBody):
        deck.add_bullets(view.title, [line for line in body.text.splitlines() if line.strip()])
    elif view.kind == TileKind.INSIGHT_CHART:
        table = body.chart.table
        deck.add_table(
            view.title,
            [str(h) for h in table.header],
            [["" if v is None else str(v) for v in r] for r in table.rows],
        )


def dashboard_pptx(dashboard: Dashboard, viewer: Person, now: dt.datetime) -> bytes:
    """A title slide, then one slide per tile (tables continue on further slides)."""
    local = timezone.localtime(now, viewer.workspace.zone)
    made = date_format(local, "DATETIME_FORMAT")
    deck = Deck(dashboard.title, f"{dashboard.description or _('Dashboard')} · {made}")
    for view in tile_views(dashboard, viewer, now):
        _slide(deck, view)
    return deck.to_bytes()
