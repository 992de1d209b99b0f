"""The insight charts: each an ECharts option and the same data as a table.

The registry other pages show charts from (a dashboard's "insight chart" tile, reports):
`CHARTS` names every chart, `insight_chart(key, scope)` builds one. Options are plain JSON
(no functions); colours are the design's tokens written `var(--name)`, which
`insights/insights.js` reads from the page's style sheet when it draws (so dark mode and
print follow). The figures come from `insights.queries.Insights` (docs/insights.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goalkeeper.domain.insights import decile_labels
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.scoring import ScoreBand
from goalkeeper.insights.queries import HEALTHS, Insights, insights_of
from goalkeeper.insights.scope import InsightScope, default_scope
from goalkeeper.okrs.rows import BAND_LABELS
from goalkeeper.web.templatetags.goalkeeper_ui import HEALTH_LABELS, PACE_LABELS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CHARTS",
    "InsightChart",
    "InsightScope",
    "Table",
    "default_scope",
    "insight_chart",
    "insight_charts",
]

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A chart's data as rows of cells under a header."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class InsightChart:
    """One chart: its key, title, ECharts option and the table behind it."""

    key: str
    title: str
    option: dict[str, Any]
    table: Table


# Pace colours, as the design paints a live thing (docs/scoring.md: silence is never green).
PACE_COLOURS: dict[PaceStatus, str] = {
    PaceStatus.ON_TRACK: "var(--green-fill)",
    PaceStatus.AT_RISK: "var(--amber-fill)",
    PaceStatus.OFF_TRACK: "var(--red-fill)",
    PaceStatus.STALE: "var(--grey-fill)",
    PaceStatus.NOT_STARTED: "var(--stripe)",
}
BAND_COLOURS: dict[ScoreBand, str] = {
    ScoreBand.RED: "var(--red-fill)",
    ScoreBand.YELLOW: "var(--amber-fill)",
    ScoreBand.GREEN: "var(--green-fill)",
}
HEALTH_COLOURS: dict[Health, str] = {
    Health.GREEN: "var(--green-fill)",
    Health.YELLOW: "var(--amber-fill)",
    Health.RED: "var(--red-fill)",
    Health.STALE: "var(--grey-fill)",
    Health.NO_DATA: "var(--stripe)",
}
NEUTRAL = "var(--brand)"
# Team names on a category axis: cut with an ellipsis past this width (the table has them whole).
LABEL: dict[str, Any] = {"width": 150, "overflow": "truncate"}
SECOND = "var(--kind-aspirational-ink)"
THIRD = "var(--amber-fill)"


def percent(value: float | None) -> float | None:
    """A share in 0..1 as a whole percentage (None stays None)."""
    return None if value is None else round(value * 100)


def week_label(monday: dt.date) -> str:
    """A week as its Monday: "5 Oct" ("5. Okt." in German)."""
    return date_format(monday, "SHORT_DATE_FORMAT")


def _grid() -> dict[str, Any]:
    return {"left": 8, "right": 24, "top": 28, "bottom": 8, "containLabel": True}


def _bars(
    categories: Iterable[str], values: Iterable[float | int], colours: Any = None
) -> dict[str, Any]:
    names = list(categories)
    data: list[Any] = list(values)
    if colours is not None:
        data = [
            {"value": value, "itemStyle": {"color": colour}}
            for value, colour in zip(data, colours, strict=True)
        ]
    return {
        "grid": _grid(),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "data": data, "itemStyle": {"color": NEUTRAL}, "barMaxWidth": 48}
        ],
    }


def _by_team(
    labels: list[str], series: list[tuple[str, str, list[Any]]], *, stack: bool, unit: str = ""
) -> dict[str, Any]:
    """Horizontal bars, one category per row of the scope, a series per measure."""
    return {
        "grid": {**_grid(), "top": 16, "bottom": 56 if len(series) > 1 else 8},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        **({"legend": {"bottom": 0}} if len(series) > 1 else {}),
        "xAxis": {
            "type": "value",
            "minInterval": 1,
            **({"max": 100, "axisLabel": {"formatter": "{value}" + unit}} if unit else {}),
        },
        "yAxis": {"type": "category", "data": labels, "inverse": True, "axisLabel": LABEL},
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": data,
                "itemStyle": {"color": colour},
                "barMaxWidth": 18,
                **({"stack": "all"} if stack else {}),
            }
            for name, colour, data in series
        ],
    }


def _empty(option: dict[str, Any], text: str) -> dict[str, Any]:
    """`option` with `text` across its drawing, and no axes or legend: the chart has
    nothing to show yet."""
    quiet = {key: value for key, value in option.items() if key not in ("legend", "visualMap")}
    for axis in ("xAxis", "yAxis"):
        if axis in quiet:
            quiet[axis] = {**quiet[axis], "show": False}
    return {
        **quiet,
        "graphic": {
            "type": "text",
            "left": "center",
            "top": "middle",
            "silent": True,
            "style": {"text": text, "fill": "var(--text-3)", "fontSize": 13},
        },
    }


def _when(empty: bool, option: dict[str, Any], text: str) -> dict[str, Any]:
    return _empty(option, text) if empty else option


def _donut(items: list[tuple[str, int, str]]) -> dict[str, Any]:
    # Empty slices are left out of the drawing (a "0" pointing at nothing); the table
    # keeps every line.
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["42%", "66%"],
                "center": ["50%", "44%"],
                "label": {"formatter": "{c}"},
                "data": [
                    {"name": name, "value": value, "itemStyle": {"color": colour}}
                    for name, value, colour in items
                    if value
                ],
            }
        ],
    }


def _pace(insights: Insights) -> InsightChart:
    if insights.closed:
        items = [
            (str(BAND_LABELS[band]), n, BAND_COLOURS[band]) for band, n in insights.band_counts
        ]
        table = Table((_("Final score"), _("Objectives")), tuple((n, v) for n, v, _colour in items))
        option = _when(
            not any(n for _name, n, _colour in items), _donut(items), _("No final scores yet.")
        )
        return InsightChart("pace", _("Final scores of objectives"), option, table)
    items = [
        (str(PACE_LABELS[status]), n, PACE_COLOURS[status]) for status, n in insights.pace_counts
    ]
    table = Table((_("Pace"), _("Objectives")), tuple((n, v) for n, v, _colour in items))
    option = _when(
        not any(n for _name, n, _colour in items), _donut(items), _("No live objectives here yet.")
    )
    return InsightChart("pace", str(CHARTS["pace"]), option, table)


def _progress(insights: Insights) -> InsightChart:
    labels = decile_labels()
    counts = insights.progress_histogram
    option = _bars(labels, counts)
    option["xAxis"]["axisLabel"] = {"interval": 0, "rotate": 45}
    option = _when(not any(counts), option, _("No objective with key results here yet."))
    table = Table((_("Progress"), _("Objectives")), tuple(zip(labels, counts, strict=True)))
    return InsightChart("progress", str(CHARTS["progress"]), option, table)


def _labels(insights: Insights) -> list[str]:
    return [row.label for row in insights.rows]


def _adoption(insights: Insights) -> InsightChart:
    labels = _labels(insights)
    rows = insights.adoption_by_row
    option = _by_team(
        labels,
        [
            (_("People"), NEUTRAL, [percent(a.people_share) for a in rows]),
            (_("Teams"), SECOND, [percent(a.teams_share) for a in rows]),
        ],
        stack=False,
        unit="%",
    )
    option = _when(not any(a.people or a.teams for a in rows), option, _("No teams here yet."))
    table = Table(
        (
            _("Team"),
            _("People"),
            _("With objectives"),
            _("Share"),
            _("Teams"),
            _("With objectives"),
            _("Share"),
        ),
        tuple(
            (
                label,
                a.people,
                a.people_with,
                _pct(a.people_share),
                a.teams,
                a.teams_with,
                _pct(a.teams_share),
            )
            for label, a in zip(labels, rows, strict=True)
        ),
    )
    return InsightChart("adoption", str(CHARTS["adoption"]), option, table)


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{percent(value)}%"


def _heatmap(insights: Insights) -> InsightChart:
    labels = _labels(insights)
    weeks = [week_label(monday) for monday in insights.activity.weeks]
    cells = insights.heatmap
    data = [
        [x, y, percent(value) if value is not None else "-"]
        for y, row in enumerate(cells)
        for x, value in enumerate(row)
    ]
    option = {
        "grid": {**_grid(), "bottom": 48},
        "tooltip": {"position": "top"},
        "xAxis": {"type": "category", "data": weeks, "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": labels, "inverse": True, "axisLabel": LABEL},
        "visualMap": {
            "min": 0,
            "max": 100,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 120,
            "text": ["100%", "0%"],
            "inRange": {"color": ["var(--grey-soft)", "var(--brand)"]},
        },
        "series": [
            {
                "type": "heatmap",
                "data": data,
                "label": {"show": len(weeks) <= 16, "formatter": "{@[2]}"},
            }
        ],
    }
    if not any(value is not None for row in cells for value in row):
        option = _empty(option, _("No key results to check in on here yet."))
    table = Table(
        (_("Team"), *weeks),
        tuple(
            (label, *(_pct(value) for value in row))
            for label, row in zip(labels, cells, strict=True)
        ),
    )
    return InsightChart("heatmap", str(CHARTS["heatmap"]), option, table)


def _confidence(insights: Insights) -> InsightChart:
    weeks = [week_label(monday) for monday in insights.activity.weeks]
    points = insights.confidence
    means = [None if mean is None else round(mean, 1) for mean, _given in points]
    option = {
        "grid": _grid(),
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": weeks, "boundaryGap": False},
        "yAxis": {"type": "value", "min": 0, "max": 10, "interval": 2},
        "series": [
            {
                "name": _("Mean confidence"),
                "type": "line",
                "data": [m if m is not None else "-" for m in means],
                "connectNulls": True,
                "itemStyle": {"color": NEUTRAL},
                "areaStyle": {"opacity": 0.08},
            }
        ],
    }
    if all(m is None for m in means):
        option = _empty(option, _("No check-in gave a confidence yet."))
    table = Table(
        (_("Week of"), _("Mean confidence (0-10)"), _("Check-ins with a confidence")),
        tuple(
            (week, mean, given)
            for week, mean, (_mean, given) in zip(weeks, means, points, strict=True)
        ),
    )
    return InsightChart("confidence", str(CHARTS["confidence"]), option, table)


def _kpi_health(insights: Insights) -> InsightChart:
    labels = _labels(insights)
    counts = insights.kpi_health
    option = _by_team(
        labels,
        [
            (str(HEALTH_LABELS[health]), HEALTH_COLOURS[health], [c[health] for c in counts])
            for health in HEALTHS
        ],
        stack=True,
    )
    if not any(any(c.values()) for c in counts):
        option = _empty(option, _("No KPIs in these teams yet."))
    table = Table(
        (_("Team"), *(str(HEALTH_LABELS[health]) for health in HEALTHS)),
        tuple(
            (label, *(c[health] for health in HEALTHS))
            for label, c in zip(labels, counts, strict=True)
        ),
    )
    return InsightChart("kpi_health", str(CHARTS["kpi_health"]), option, table)


def _alignment(insights: Insights) -> InsightChart:
    pairs = [
        (row.label, c)
        for row, c in zip(insights.rows, insights.coverage_by_row, strict=True)
        if c.objectives
    ]
    option = _by_team(
        [label for label, _coverage in pairs],
        [(_("Aligned objectives"), NEUTRAL, [percent(c.share) for _label, c in pairs])],
        stack=False,
        unit="%",
    )
    if not pairs:
        option = _empty(option, _("No team objectives below the company yet."))
    table = Table(
        (_("Team"), _("Objectives"), _("Aligned"), _("Share")),
        tuple((label, c.objectives, c.aligned, _pct(c.share)) for label, c in pairs),
    )
    return InsightChart("alignment", str(CHARTS["alignment"]), option, table)


def _coach(insights: Insights) -> InsightChart:
    labels = _labels(insights)
    rows = insights.coach_by_row
    option = _by_team(
        labels,
        [
            (_("Teams over 5 objectives"), NEUTRAL, [len(c.too_many_objectives) for c in rows]),
            (_("Task-like key results"), THIRD, [c.task_like for c in rows]),
            (_("Teams sandbagging"), "var(--red-fill)", [len(c.sandbagging) for c in rows]),
        ],
        stack=False,
    )
    if not any(c.too_many_objectives or c.task_like or c.sandbagging for c in rows):
        option = _empty(option, _("Nothing to flag: the coach found no issue here."))
    table = Table(
        (
            _("Team"),
            _("Teams with too many objectives"),
            _("Task-like key results"),
            _("Teams sandbagging"),
        ),
        tuple(
            (label, len(c.too_many_objectives), c.task_like, len(c.sandbagging))
            for label, c in zip(labels, rows, strict=True)
        ),
    )
    return InsightChart("coach", str(CHARTS["coach"]), option, table)


# Every chart a page may show, by key, with its title. In a closed cycle, "pace" counts final
# score bands instead, titled _("Final scores of objectives").
CHARTS: dict[str, StrOrPromise] = {
    "pace": gettext_lazy("Pace of objectives"),
    "progress": gettext_lazy("Progress of objectives"),
    "adoption": gettext_lazy("Adoption by team"),
    "heatmap": gettext_lazy("Check-in rate by team and week"),
    "confidence": gettext_lazy("Confidence over time"),
    "kpi_health": gettext_lazy("KPI health by team"),
    "alignment": gettext_lazy("Alignment coverage by team"),
    "coach": gettext_lazy("Quality coach findings by team"),
}

_BUILDERS: dict[str, Callable[[Insights], InsightChart]] = {
    "pace": _pace,
    "progress": _progress,
    "adoption": _adoption,
    "heatmap": _heatmap,
    "confidence": _confidence,
    "kpi_health": _kpi_health,
    "alignment": _alignment,
    "coach": _coach,
}


def insight_chart(key: str, scope: InsightScope) -> InsightChart:
    """The chart `key` (one of `CHARTS`) for `scope`; KeyError on an unknown key.

    The scope's figures are kept per process while nothing is written (`insights_of`):
    a dashboard showing several charts of one scope reads them once.
    """
    build = _BUILDERS[key]
    return build(insights_of(scope))


def insight_charts(keys: Iterable[str], insights: Insights) -> tuple[InsightChart, ...]:
    """Several charts of one scope, reading its figures once (the insights page)."""
    return tuple(_BUILDERS[key](insights) for key in keys)
