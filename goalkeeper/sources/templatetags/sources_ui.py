"""Data source statuses as the design system shows them: a coloured badge with a word.

In a template: `{% load sources_ui %}`, then `{% source_badge source.status %}`,
`{% run_badge run.status %}` and `{{ run.duration|run_duration }}`; on a KPI's page (the
kpis app does not import sources), `{% kpi_source kpi as source %}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from goalkeeper.kpis.labels import time_ago, time_until
from goalkeeper.sources.models import RunStatus, SourceStatus
from goalkeeper.sources.queries import RUN_TONES, STATUS_TONES, SourceCard, kpi_source_card

register = template.Library()


@register.simple_tag
def kpi_source(kpi: Any) -> SourceCard | None:
    """The KPI's data source for its page, or None without one (one query)."""
    return kpi_source_card(kpi)


SOURCE_HINTS: dict[str, StrOrPromise] = {
    SourceStatus.NEW: gettext_lazy("No run has finished yet."),
    SourceStatus.OK: gettext_lazy("The last run succeeded."),
    SourceStatus.FAILING: gettext_lazy("The last run failed; it is retried soon."),
    SourceStatus.BROKEN: gettext_lazy(
        "It failed several times in a row: its settings, or the system it reads, need a look."
    ),
}


@register.inclusion_tag("sources/_badge.html")
def source_badge(status: Any) -> dict[str, Any]:
    """A source's status (healthy, failing, broken, not run yet) as a coloured badge."""
    key = str(status)
    label = SourceStatus(key).label if key in SourceStatus.values else key
    return {
        "tone": STATUS_TONES.get(key, "no_data"),
        "label": label,
        "hint": SOURCE_HINTS.get(key, ""),
        "status": key,
    }


@register.inclusion_tag("sources/_badge.html")
def run_badge(status: Any) -> dict[str, Any]:
    """A sync run's status (queued, running, succeeded, failed) as a coloured badge."""
    key = str(status)
    label = RunStatus(key).label if key in RunStatus.values else key
    return {"tone": RUN_TONES.get(key, "no_data"), "label": label, "hint": "", "status": key}


@register.filter
def run_duration(value: Any) -> str:
    """How long a run took: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min"; "-" without one."""
    if not isinstance(value, dt.timedelta):
        return "-"
    seconds = max(value.total_seconds(), 0.0)
    if seconds < 0.1:
        return f"< {formats.number_format(0.1, 1)} s"
    if seconds < 10:
        return f"{formats.number_format(seconds, 1)} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def ago(value: Any, now: Any = None) -> str:
    """How long ago `value` was: "just now" under a minute, else "3 hours ago"."""
    if not isinstance(value, dt.datetime):
        return ""
    return time_ago(value, now if isinstance(now, dt.datetime) else None)


@register.filter
def until(value: Any, now: Any = None) -> str:
    """How long until `value`: "in 3 hours"."""
    if not isinstance(value, dt.datetime):
        return ""
    return time_until(value, now if isinstance(now, dt.datetime) else None)
