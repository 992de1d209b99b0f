"""The visual language as template tags: progress bars, badges, chips, avatars, icons.

Every page reuses these instead of writing its own markup, so that a status looks the same
everywhere. Numbers arrive computed (by the read model, through the page builders); the tags only
format them.

    {% load goalkeeper_ui %}
    {% progress_bar row.progress row.status marker=cycle.elapsed %}
    {% status_badge row.status %}  {% health_badge kpi.health %}  {% score_chip row.score %}
    {% avatar person.name person.initials %}  {% icon "target" %}
    {% empty_state "No objectives yet" "Add the first objective of the cycle." icon="target" %}
    {{ value|percent }}  {{ value|score1 }}  {{ value|qty }}  {{ status|pace_label }}
    {% url_or_none 'objective_create' cycle=cycle.id as url %}   (a route still being built)
    {% optional_include "bridges/_promote_button.html" key_result=kr %}
    {% if kr|checkin_allowed:person %}  {% options choices selected %}
"""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import urlencode

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goalkeeper import l10n
from goalkeeper.domain import formatting
from goalkeeper.domain.formatting import NO_VALUE, finite
from goalkeeper.domain.key_results import clamp
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.scoring import final_score, score_band

register = template.Library()


PACE_LABELS: dict[str, Any] = {
    PaceStatus.ON_TRACK: _("On track"),
    PaceStatus.AT_RISK: _("At risk"),
    PaceStatus.OFF_TRACK: _("Off track"),
    PaceStatus.NOT_STARTED: _("Not started"),
    PaceStatus.STALE: _("Stale"),
}
PACE_HINTS: dict[str, Any] = {
    PaceStatus.ON_TRACK: _("The score keeps up with the time elapsed."),
    PaceStatus.AT_RISK: _("The score lags behind the time elapsed."),
    PaceStatus.OFF_TRACK: _("The score lags far behind the time elapsed."),
    PaceStatus.NOT_STARTED: _("No check-in yet."),
    PaceStatus.STALE: _("No check-in for too long: the numbers may be out of date."),
}
HEALTH_LABELS: dict[str, Any] = {
    Health.GREEN: _("Healthy"),
    Health.YELLOW: _("Warning"),
    Health.RED: _("Critical"),
    Health.STALE: _("Stale"),
    Health.NO_DATA: _("No data"),
}
CYCLE_STATE_LABELS: dict[str, Any] = {
    "planning": _("Planning"),
    "active": _("Active"),
    "closed": _("Closed"),
}
KR_KIND_LABELS: dict[str, Any] = {
    "increase": _("Increase"),
    "decrease": _("Decrease"),
    "maintain": _("Maintain"),
    "milestone": _("Milestone"),
}
BAND_LABELS: dict[str, Any] = {
    "red": _("red"),
    "yellow": _("yellow"),
    "green": _("green"),
}

# Inline SVG bodies on a 24x24 grid, stroked with the current text colour.
ICONS: dict[str, str] = {
    "home": '<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9.5V21h14V9.5"/><path d="M10 21v-6h4v6"/>',
    "target": (
        '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/>'
        '<circle cx="12" cy="12" r="1"/>'
    ),
    "cycle": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M16 3v4M8 3v4M3 10h18"/>',
    "kpi": '<path d="M3 3v18h18"/><path d="m7 15 4-4 3 3 5-6"/>',
    "alignment": (
        '<rect x="9" y="3" width="6" height="5" rx="1"/><rect x="3" y="16" width="6" height="5"'
        ' rx="1"/><rect x="15" y="16" width="6" height="5" rx="1"/><path d="M12 8v4M6 16v-4h12v4"/>'
    ),
    "admin": '<path d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6l-8-3Z"/>',
    "logout": (
        '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/><path d="m16 17 5-5-5-5"/>'
        '<path d="M21 12H9"/>'
    ),
    "chevron": '<path d="m9 6 6 6-6 6"/>',
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "more": (
        '<circle cx="5" cy="12" r="1"/><circle cx="12" cy="12" r="1"/>'
        '<circle cx="19" cy="12" r="1"/>'
    ),
    "inbox": (
        '<path d="M3 13h5l1.5 3h5L16 13h5"/>'
        '<path d="M5.5 5h13L21 13v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-6l2.5-8Z"/>'
    ),
    "eye": (
        '<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z"/>'
        '<circle cx="12" cy="12" r="3"/>'
    ),
    "bell": '<path d="M6 16V11a6 6 0 1 1 12 0v5l2 2H4l2-2Z"/><path d="M10 21h4"/>',
    "close": '<path d="M6 6l12 12M18 6 6 18"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "list": '<path d="M9 6h11M9 12h11M9 18h11"/><path d="M4 6h.01M4 12h.01M4 18h.01"/>',
    "alert": '<circle cx="12" cy="12" r="9"/><path d="M12 8v4M12 16h.01"/>',
    "check": '<circle cx="12" cy="12" r="9"/><path d="m8 12 3 3 5-6"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1.5-4 4.5-6 8-6s6.5 2 8 6"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16v4Z"/><path d="m13.5 6.5 4 4"/>',
    "chart": '<path d="M3 3v18h18"/><path d="m7 14 4-5 4 3 5-7"/>',
    "history": '<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5"/><path d="M12 7v5l3 2"/>',
    "coach": (
        '<path d="M9 18h6M10 21h4"/><path d="M12 3a6 6 0 0 0-3.6 10.8c.6.5 1 1.2 1 2V16h5.2v-.2'
        'c0-.8.4-1.5 1-2A6 6 0 0 0 12 3Z"/>'
    ),
    "filter": '<path d="M3 5h18l-7 8v6l-4 2v-8L3 5Z"/>',
    "source": (
        '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/>'
        '<path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>'
    ),
    "arrow-up": '<path d="M12 19V5M5 12l7-7 7 7"/>',
    "arrow-right": '<path d="M5 12h14M13 5l7 7-7 7"/>',
    "forecast": '<path d="M3 17 9 11l4 4 8-8"/><path d="M15 7h6v6"/>',
    "insights": '<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>',
    "dashboard": (
        '<rect x="3" y="3" width="8" height="9" rx="1"/>'
        '<rect x="13" y="3" width="8" height="5" rx="1"/>'
        '<rect x="13" y="10" width="8" height="11" rx="1"/>'
        '<rect x="3" y="14" width="8" height="7" rx="1"/>'
    ),
    "download": '<path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 19h16"/>',
    "tv": '<rect x="2" y="4" width="20" height="13" rx="2"/><path d="M8 21h8M12 17v4"/>',
    "share": (
        '<circle cx="18" cy="5" r="3"/><circle cx="6" cy="12" r="3"/>'
        '<circle cx="18" cy="19" r="3"/>'
        '<path d="m8.6 13.5 6.8 4M15.4 6.5l-6.8 4"/>'
    ),
    "team": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c1-3.5 3.5-5 6.5-5s5.5 1.5 6.5 5"/>'
        '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 15c2 .6 3.2 2.2 3.5 5"/>'
    ),
    "lock": '<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="m11 12 9-9M17 6l3 3M15 8l2 2"/>',
    "sun": '<circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M2 12h2M20 12h2"/>',
    "moon": '<path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5Z"/>',
    "chat": '<path d="M4 5h16v11H9l-5 4V5Z"/>',
    "book": (
        '<path d="M4 4h6a2 2 0 0 1 2 2v14a2 2 0 0 0-2-2H4V4Z"/>'
        '<path d="M20 4h-6a2 2 0 0 0-2 2v14a2 2 0 0 1 2-2h6V4Z"/>'
    ),
    "language": (
        '<circle cx="12" cy="12" r="9"/>'
        '<path d="M3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9'
        's1-6.5 3.5-9Z"/>'
    ),
}


_finite = finite


@register.filter
def percent(value: Any) -> str:
    """0.42 -> "42%", 1.3 -> "130%"; "-" when there is no value (never "0%")."""
    number = _finite(value)
    if number is None:
        return NO_VALUE
    return f"{round(number * 100):d}%"


@register.filter
def score1(value: Any) -> str:
    """A score on the 0.0-1.0 scale to one decimal, rounded as final scores are."""
    return l10n.score1(final_score(_finite(value)))


@register.filter
def qty(value: Any) -> str:
    """A measured value, compact: 1200.0 -> "1,200", 0.125 -> "0.13", None -> "-".

    In the active language: "1.200", "0,13" in German.
    """
    return l10n.qty(value)


PREFIX_UNITS = formatting.PREFIX_UNITS
TIGHT_UNITS = formatting.TIGHT_UNITS


@register.filter
def input_number(value: Any) -> str:
    """A number as a form field shows it: no grouping, no trailing ".0" (33.0 -> "33")."""
    number = _finite(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{number:.12g}"


@register.filter
def with_unit(value: Any, unit: Any = "") -> str:
    """A value with its unit where a reader expects it: "$1,200", "42%", "8 customers".

    In the active language: "$1.200" in German.
    """
    return l10n.with_unit(value, unit)


@register.filter
def with_symbol(value: Any, unit: Any = "") -> str:
    """A value with its unit only when the unit is a symbol ("$5", "42%"), else bare.

    For "5 of 8 customers": the word is said once, after the target.
    """
    symbol = str(unit or "").strip()
    if symbol in PREFIX_UNITS or symbol in TIGHT_UNITS:
        return with_unit(value, symbol)
    return qty(value)


@register.filter
def pace_label(status: Any) -> str:
    """On screen name of a pace status."""
    return str(PACE_LABELS.get(str(status), str(status).replace("_", " ").capitalize()))


@register.filter
def cycle_state(state: Any) -> str:
    """On screen name of a cycle's state (planning, active, closed)."""
    return str(CYCLE_STATE_LABELS.get(str(state), str(state).capitalize()))


@register.filter
def kr_kind(kind: Any) -> str:
    """On screen name of a key result's kind (increase, decrease, maintain, milestone)."""
    return str(KR_KIND_LABELS.get(str(kind), str(kind).capitalize()))


@register.filter
def health_label(health: Any) -> str:
    """On screen name of a KPI health."""
    return str(HEALTH_LABELS.get(str(health), str(health).replace("_", " ").capitalize()))


@register.filter
def band(score: Any) -> str:
    """The colour band (red, yellow, green) of a score; "" without a score."""
    number = _finite(score)
    return "" if number is None else str(score_band(number))


@register.filter
def checkin_allowed(key_result: Any, person: Any) -> bool:
    """Whether `person` may check in on `key_result` (a row): editors on any open one, and
    anyone on the open ones they own; nobody on one that adds up its contributors (its
    value is theirs). The view checks the same through the access helper."""
    if person is None or getattr(key_result, "locked", True):
        return False
    if getattr(key_result, "rolls_up", False):
        return False
    if getattr(person, "can_edit", False):
        return True
    owner = getattr(key_result, "owner", None)
    return owner is not None and owner.id == person.pk


@register.simple_tag
def url_or_none(name: str, *args: Any, **query: Any) -> str:
    """The URL of route `name` (positional `args`), with `query` as its query string; ""
    while the route does not exist, so a link to a page still being built hides itself.

        {% url_or_none 'objective_create' cycle=cycle.id as create_url %}
        {% if create_url %}<a href="{{ create_url }}">New objective</a>{% endif %}
    """
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    kept = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(kept)}" if kept else url


@register.simple_tag(takes_context=True)
def optional_include(context: template.Context, name: str, **extra: Any) -> str:
    """Render template `name` with the current context (plus `extra`), or nothing while
    another app has not shipped it yet: pages can offer a feature as soon as it exists."""
    try:
        found = get_template(name)
    except TemplateDoesNotExist:
        return ""
    values: dict[str, Any] = {str(key): value for key, value in context.flatten().items()}
    values.update(extra)
    request = context.get("request")
    return str(found.render(values, request))


@register.simple_tag
def options(choices: Any, selected: Any = None) -> SafeString:
    """`<option>` elements for `choices` (value, label, depth), `selected` marked.

    Built in Python: a board's owner and team lists run to hundreds of options, and a
    template loop over them costs more than the rest of the page.
    """
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (
                choice.value,
                mark_safe(" selected") if choice.value == chosen else "",
                indent(getattr(choice, "depth", 0)),
                choice.label,
            )
            for choice in choices
        ),
    )


@register.filter
def bar_width(value: Any) -> str:
    """A 0..1 value as the width of a progress fill, in percent ("" without a value)."""
    number = _finite(value)
    return "" if number is None else f"{clamp(number, 0.0, 1.0) * 100:.1f}"


@register.filter
def indent(depth: Any) -> str:
    """Non-breaking spaces for a tree level, where markup cannot indent (select options)."""
    try:
        count = max(int(depth), 0)
    except (TypeError, ValueError):
        return ""
    return "\u00a0\u00a0\u00a0" * min(count, 12)


@register.simple_tag
def js_request_failed() -> str:
    """What app.js says when a request fails, in the reader's language (on the page's live
    region: scripts carry no catalogue of their own, docs/languages.md)."""
    return gettext(
        "That did not work: the server could not be reached or refused the request. "
        "Nothing was saved; try again."
    )


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> SafeString:
    """An inline SVG icon, hidden from screen readers (the text next to it speaks)."""
    body = ICONS.get(name, ICONS["target"])
    return format_html(
        '<svg class="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">'
        "{}</svg>",
        css_class,
        mark_safe(body),  # noqa: S308 - constant markup from ICONS above, no user input
    )


@register.inclusion_tag("web/components/progress_bar.html")
def progress_bar(
    value: Any,
    status: Any = "",
    marker: Any = None,
    label: Any = None,
    size: str = "",
    name: Any = None,
) -> dict[str, Any]:
    """A bar filled to `value` (0..1, clamped), coloured by `status`.

    `marker` (0..1) draws the expected pace; `label` replaces the default percentage text
    (pass "" to hide it). No value shows an empty track and "-", never 0%.
    """
    number = _finite(value)
    expected = _finite(marker)
    text = percent(number) if label is None else str(label)
    return {
        "has_value": number is not None,
        "width": f"{clamp(number, 0.0, 1.0) * 100:.1f}" if number is not None else "0",
        "now": round(clamp(number, 0.0, 1.0) * 100) if number is not None else None,
        "label": text,
        "tone": str(status) if status else "neutral",
        # Only a pace status is worth saying; a band or neutral tone is colour alone.
        "status_label": str(PACE_LABELS.get(str(status), "")),
        "marker": f"{clamp(expected, 0.0, 1.0) * 100:.1f}" if expected is not None else None,
        "marker_label": percent(expected),
        "size": size,
        "name": _("Progress") if name is None else name,
    }


@register.inclusion_tag("web/components/status_badge.html")
def status_badge(status: Any, compact: bool = False) -> dict[str, Any]:
    """The pace status of a key result or objective, as a coloured, labelled badge."""
    key = str(status)
    return {
        "tone": key,
        "label": pace_label(key),
        "hint": str(PACE_HINTS.get(key, "")),
        "compact": compact,
    }


@register.inclusion_tag("web/components/health_badge.html")
def health_badge(health: Any) -> dict[str, Any]:
    """A KPI's health as a coloured, labelled badge."""
    key = str(health)
    return {"tone": key, "label": health_label(key)}


@register.inclusion_tag("web/components/score_chip.html")
def score_chip(value: Any, final: bool = False) -> dict[str, Any]:
    """A score on the 0.0-1.0 scale: a `final` score in its colour band (red, yellow,
    green); a score during the cycle neutral, since its colour there is the pace status's
    (docs/scoring.md)."""
    tone = band(value) if final else ""
    return {
        "text": score1(value),
        "tone": tone or "neutral",
        "band": tone,
        "band_label": str(BAND_LABELS.get(tone, tone)),
        "final": final,
    }


@register.inclusion_tag("web/components/avatar.html")
def avatar(name: Any, initials: Any = None, size: str = "") -> dict[str, Any]:
    """Initials in a circle whose hue is stable for a name."""
    text = str(name or "")
    letters = str(initials) if initials else "".join(p[0] for p in text.split()[:2]).upper()
    return {
        "name": text,
        "initials": letters or "?",
        # crc32, not hash(): Python salts str hashes per process and colours would shuffle.
        "hue": zlib.crc32(text.encode()) % 360,
        "size": size,
    }


@register.inclusion_tag("web/components/empty_state.html")
def empty_state(
    title: str,
    text: str = "",
    icon: str = "target",
    action_url: str = "",
    action_label: str = "",
) -> dict[str, Any]:
    """A friendly block for a list with nothing in it: what is missing and what to do."""
    return {
        "title": title,
        "text": text,
        "icon": icon,
        "action_url": action_url,
        "action_label": action_label,
    }
