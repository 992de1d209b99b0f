"""Template tags of the KPI pages: sparklines, trend arrows, goals and period names.

Sparklines are inline SVG drawn here rather than tiny ECharts instances: a board of 100
tiles would otherwise start 100 charts in the browser, while 100 SVGs of a few hundred bytes
each cost nothing to render, need no script, and print.

    {% load kpis_ui %}
    {% sparkline tile %}  {% trend_arrow tile.status.trend tile.direction %}
    {{ tile|goal_text }}  {{ tile|warning_text }}  {{ kpi.direction|direction_label }}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goalkeeper.domain.kpis import Direction, Trend
from goalkeeper.domain.periods import Aggregation
from goalkeeper.domain.process_limits import Rule, Side
from goalkeeper.kpis import labels
from goalkeeper.kpis.labels import DIRECTION_LABELS, TREND_LABELS
from goalkeeper.web.templatetags.goalkeeper_ui import with_unit

register = template.Library()

WIDTH, HEIGHT, PAD = 120.0, 32.0, 3.0
EN_DASH = "\u2013"

# How the latest values arrived (`Kpi.last_source`), in words; a source's pull is "<kind> sync".
ARRIVALS = {
    "manual": gettext_lazy("entered by hand"),
    "upload": gettext_lazy("uploaded from a file"),
    "api": gettext_lazy("sent over the API"),
    "hand down": gettext_lazy("copied from a key result"),
}
ARROWS = {
    "up": "M4 12 12 4l8 8M12 4v16",
    "down": "M4 12l8 8 8-8M12 20V4",
    "flat": "M4 12h14m-4-4 4 4-4 4",
}


def _scale(values: Sequence[float], target: float | None) -> tuple[float, float, bool]:
    """(low, high) of the y axis, and whether the target line fits in it usefully."""
    low, high = min(values), max(values)
    span = high - low
    show_target = False
    if target is not None and math.isfinite(target):
        # A far-away target would squash the line flat: draw it only when it is near.
        reach = max(span, abs(high) * 0.25, 1e-9)
        if low - reach <= target <= high + reach:
            low, high, show_target = min(low, target), max(high, target), True
    if high - low < 1e-12:
        low, high = low - 1, high + 1
    return low, high, show_target


@register.simple_tag
def sparkline(
    values: Sequence[float | None], target: float | None = None, label: str = ""
) -> SafeString:
    """A small line of the last periods' values; gaps where a period had none."""
    known = [v for v in values if v is not None]
    if not known:
        return format_html(
            '<svg class="sparkline sparkline--empty" viewBox="0 0 {} {}" role="img" '
            'aria-label="{}"><line x1="0" x2="{}" y1="{}" y2="{}"/></svg>',
            int(WIDTH),
            int(HEIGHT),
            _("No values yet"),
            int(WIDTH),
            HEIGHT / 2,
            HEIGHT / 2,
        )
    low, high, show_target = _scale(known, target)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def x(index: int) -> float:
        return round(PAD + index * step, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD), 1)

    # The SVG stretches to its box (preserveAspectRatio="none"), which would squash circles:
    # points are zero-length lines with round caps and a non-scaling stroke instead.
    segments: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((x(index), y(value)))
    paths = [seg for seg in segments if len(seg) > 1]
    dots = [seg[0] for seg in segments if len(seg) == 1]
    last_index = max(i for i, v in enumerate(values) if v is not None)
    last_value = values[last_index]
    assert last_value is not None
    target_line = (
        format_html(
            '<line class="sparkline__target" x1="0" x2="{}" y1="{}" y2="{}"/>',
            int(WIDTH),
            y(target),  # type: ignore[arg-type]
            y(target),  # type: ignore[arg-type]
        )
        if show_target
        else ""
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" preserveAspectRatio="none" role="img" '
        'aria-label="{}">{}{}{}'
        '<line class="sparkline__last" x1="{}" y1="{}" x2="{}" y2="{}"/></svg>',
        int(WIDTH),
        int(HEIGHT),
        label or _("Values of the last periods"),
        target_line,
        format_html_join(
            "",
            '<polyline class="sparkline__line" points="{}"/>',
            ((" ".join(f"{px},{py}" for px, py in seg),) for seg in paths),
        ),
        format_html_join(
            "",
            '<line class="sparkline__dot" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            ((px, py, px, py) for px, py in dots),
        ),
        x(last_index),
        y(last_value),
        x(last_index),
        y(last_value),
    )


def _movement(trend: Trend, direction: Direction) -> str:
    if trend is Trend.FLAT:
        return "flat"
    good = trend is Trend.IMPROVING
    if direction is Direction.LOWER_IS_BETTER:
        return "down" if good else "up"
    return "up" if good else "down"


@register.simple_tag
def trend_arrow(trend: Any, direction: Any) -> SafeString:
    """An arrow for the way the values move, coloured by whether that is good; with fewer
    than three recent periods holding a value, "Not enough data" and no arrow."""
    value = Trend(str(trend))
    if value is Trend.NOT_ENOUGH_DATA:
        return format_html(
            '<span class="trend muted" data-trend="{}" title="{}"><span>{}</span></span>',
            value.value,
            _("A trend needs values in 3 of the last 6 periods."),
            TREND_LABELS[value],
        )
    way = _movement(value, Direction(str(direction)))
    label = str(TREND_LABELS[value])
    if Direction(str(direction)) is Direction.IN_RANGE and value is not Trend.FLAT:
        label = (
            _("Closer to the range") if value is Trend.IMPROVING else _("Further from the range")
        )
    return format_html(
        '<span class="trend" data-trend="{}"><svg class="icon icon--sm" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" '
        'stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="{}"/></svg>'
        "<span>{}</span></span>",
        value.value,
        ARROWS[way],
        label,
    )


@register.simple_tag
def signal_badge(rule: Any, side: Any = "", compact: bool = False) -> SafeString:
    """A KPI's process signal as a badge ("Signal: Run of 8 on one side" with an arrow for
    its side; `compact`: "Signal", the rule in its title); nothing without a signal."""
    if not rule:
        return SafeString("")
    try:
        shown = labels.SIGNAL_LABELS[Rule(str(rule))]
    except ValueError:
        return SafeString("")
    way = Side(str(side)) if side in Side._value2member_map_ else None
    return format_html(
        '<span class="badge signal-badge" data-tone="signal" data-signal="{}" '
        'data-testid="signal-badge" title="{}">{}<span>{}</span></span>',
        str(rule),
        _("Something changed in the process: %(rule)s, %(side)s.")
        % {"rule": shown, "side": labels.SIDE_LABELS[way] if way else ""},
        format_html(
            '<svg class="icon icon--sm" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
            'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" '
            'aria-hidden="true" focusable="false"><path d="{}"/></svg>',
            ARROWS["up" if way is Side.UPPER else "down"],
        )
        if way
        else "",
        _("Signal") if compact else _("Signal: %(rule)s") % {"rule": shown},
    )


@register.filter
def signal_label(rule: Any) -> str:
    """A signal rule in words ("Outside the limits"); "" for none."""
    try:
        return str(labels.SIGNAL_LABELS[Rule(str(rule))]) if rule else ""
    except ValueError:
        return ""


@register.filter
def goal_text(kpi: Any) -> str:
    """The KPI's goal in words: "target ≥ 100", "target ≤ 2%", "range 40 to 60 ms"."""
    unit = getattr(kpi, "unit", "")
    direction = Direction(str(kpi.direction))
    if direction is Direction.IN_RANGE:
        return _("range %(low)s %(dash)s %(high)s") % {
            "low": with_unit(kpi.low, unit),
            "dash": EN_DASH,
            "high": with_unit(kpi.high, unit),
        }
    sign = "≥" if direction is Direction.HIGHER_IS_BETTER else "≤"
    return _("target %(sign)s %(target)s") % {"sign": sign, "target": with_unit(kpi.target, unit)}


@register.filter
def warning_text(kpi: Any) -> str:
    """When the KPI turns yellow, in words; "" without a warning threshold."""
    if kpi.warning is None:
        return ""
    unit = getattr(kpi, "unit", "")
    direction = Direction(str(kpi.direction))
    if direction is Direction.IN_RANGE:
        return _("yellow up to %(warning)s outside the range") % {
            "warning": with_unit(kpi.warning, unit)
        }
    sign = "≥" if direction is Direction.HIGHER_IS_BETTER else "≤"
    return _("yellow %(sign)s %(warning)s") % {
        "sign": sign,
        "warning": with_unit(kpi.warning, unit),
    }


@register.filter
def arrival_text(last_source: Any) -> str:
    """How a KPI's latest values arrived, in words: "entered by hand"; "" when unknown."""
    code = str(last_source or "").strip()
    if code in ARRIVALS:
        return str(ARRIVALS[code])
    if code.endswith(" sync"):
        return str(_("pulled by its data source"))
    return ""


@register.filter
def direction_label(direction: Any) -> str:
    """On screen name of a KPI direction."""
    try:
        return str(DIRECTION_LABELS[Direction(str(direction))])
    except ValueError:
        return str(direction)


@register.filter
def aggregation_label(aggregation: Any) -> str:
    """How a period's value is made, in words."""
    try:
        return str(labels.AGGREGATION_LABELS[Aggregation(str(aggregation))])
    except ValueError:
        return str(aggregation)


@register.filter
def time_ago(value: Any) -> str:
    """How long ago `value` was, in the reader's language: "3 hours ago"."""
    if not isinstance(value, dt.datetime):
        return ""
    return labels.time_ago(value)


@register.filter
def frequency_label(frequency: Any) -> str:
    """A KPI frequency as a word: "Monthly"."""
    return labels.frequency_label(frequency)


@register.filter
def change_text(change: Any) -> str:
    """A relative change as people read it: "+12%", a minus sign for a fall, "0%", or a
    dash for none."""
    if change is None:
        return "\u2013"
    percent = round(float(change) * 100)
    if percent == 0:
        return "0%"
    sign = "+" if percent > 0 else "\u2212"
    return f"{sign}{abs(percent):,}%"
