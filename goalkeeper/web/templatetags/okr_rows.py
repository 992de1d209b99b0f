"""Objective and key result rows, written in Python.

The board, home and the check-in answers show dozens of objectives with their key results;
as templates (an include per row, an inclusion tag per bar, badge and chip, a route reversed
per link) they spent most of a page's time rendering. The markup here is the same design
system's (`goalkeeper_ui` computes every value it shows), built once per row.

    {% load okr_rows %}
    {% objective_list rows "board" cycle.pace_marker %}      <ul> of folded objectives
    {% objective_list rows "mine" cycle.pace_marker True %}  ... opened
    {% objective_summary row marker oob=True %}              one row's summary line
    {% kr_row kr "objective" saved=True %}                   one key result row
    {{ filters|board_query:team_id }}                        the board narrowed to a team

Every text passes through `format_html` (escaped); fragments are joined from parts that were.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

from goalkeeper.okrs.view_models import BoardFilters, KeyResultRow, ObjectiveRow
from goalkeeper.web.links import url_maker
from goalkeeper.web.templatetags import goalkeeper_ui as ui

register = template.Library()

# The render context's key for what the rows of one render share.
_SHARED = "okr_rows.page"

# Where a key result row is drawn by this module; the objective page's rows ("detail")
# carry forecasts and actions of other apps and stay a template.
PLACES = ("objective", "waiting")


def _join(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


@functools.cache
def _icon(name: str, css_class: str = "icon") -> SafeString:
    # Icons are constant markup: built once per process.
    return ui.icon(name, css_class)


class _Page:
    """What every row of one render shares: the viewer, the routes, the page's address."""

    def __init__(self, context: template.Context) -> None:
        self.person = context.get("person")
        request = context.get("request")
        self.here = quote(request.get_full_path(), safe="/") if request is not None else ""
        self.can_edit = bool(getattr(self.person, "can_edit", False))
        self.objective: Callable[[int], str] = url_maker("objective_detail")
        self.check_in: Callable[[int], str] = url_maker("key_result_check_in")
        self.add_key_result: Callable[[int], str] = url_maker("key_result_create")
        self.edit: Callable[[int], str] = url_maker("objective_edit")


def _page(context: template.Context) -> _Page:
    # One per render: the rows of a page share it through the render context.
    found = context.render_context.get(_SHARED)
    if not isinstance(found, _Page):
        found = _Page(context)
        context.render_context[_SHARED] = found
    return found


# --- Design system pieces ---------------------------------------------------------------------


def progress_html(
    value: Any,
    status: Any = "",
    marker: Any = None,
    label: Any = None,
    size: str = "",
    name: str = "Progress",
) -> SafeString:
    """`{% progress_bar %}`'s markup, from the same values."""
    bar = ui.progress_bar(value, status, marker=marker, label=label, size=size, name=name)
    if bar["has_value"]:
        said = bar["label"] or ui.percent(value)
        spoken = f"{said}, {bar['status_label'].lower()}" if bar["status_label"] else said
        track = format_html(
            'aria-valuenow="{}" aria-valuetext="{}"><div class="progress__fill" '
            'style="width: {}%"></div>',
            bar["now"],
            spoken,
            bar["width"],
        )
    else:
        track = mark_safe('aria-valuetext="No progress to show">')
    tick = ""
    if bar["marker"] is not None:
        tick = format_html(
            '<div class="progress__marker" style="left: {}%" title="Expected by now: {}"></div>',
            bar["marker"],
            bar["marker_label"],
        )
    text = ""
    if bar["label"]:
        text = format_html(
            '<span class="progress__label{}">{}</span>',
            "" if bar["has_value"] else " progress__label--none",
            bar["label"],
        )
    return format_html(
        '<div class="progress{}" data-tone="{}"><div class="progress__track" role="progressbar" '
        'aria-label="{}" aria-valuemin="0" aria-valuemax="100" {}{}</div>{}</div>',
        f" progress--{size}" if size else "",
        bar["tone"],
        name,
        track,
        tick,
        text,
    )


def status_html(status: Any, compact: bool = False) -> SafeString:
    """`{% status_badge %}`'s markup."""
    badge = ui.status_badge(status, compact=compact)
    return format_html(
        '<span class="badge badge--status{}" data-tone="{}"{}>'
        '<span class="badge__dot" aria-hidden="true"></span>{}</span>',
        " badge--compact" if compact else "",
        badge["tone"],
        format_html(' title="{}"', badge["hint"]) if badge["hint"] else "",
        badge["label"],
    )


def score_html(value: Any, final: bool = False) -> SafeString:
    """`{% score_chip %}`'s markup."""
    chip = ui.score_chip(value, final=final)
    if chip["band"]:
        title = format_html("Final score {} ({} band)", chip["text"], chip["band"])
    elif final:
        title = mark_safe("No final score")
    else:
        title = mark_safe("Score so far: its colour is the pace status&#x27;s")
    return format_html(
        '<span class="score-chip" data-tone="{}" title="{}">{}</span>',
        chip["tone"],
        title,
        chip["text"],
    )


def avatar_html(name: Any, initials: Any = None, size: str = "") -> SafeString:
    """`{% avatar %}`'s markup."""
    face = ui.avatar(name, initials, size)
    return format_html(
        '<span class="avatar{}" style="--avatar-hue: {}" title="{}" aria-hidden="true">{}</span>',
        f" avatar--{size}" if size else "",
        face["hue"],
        face["name"],
        face["initials"],
    )


# --- Key result rows -------------------------------------------------------------------------


def _measure(kr: KeyResultRow) -> SafeString:
    if kr.kind == "milestone":
        return format_html(
            '<span class="measure"><strong>{}</strong></span>'
            '<span class="measure__target">milestone</span>',
            "Done" if kr.done else "Not done",
        )
    current = format_html(
        '<span class="measure"><strong>{}</strong></span>', ui.with_unit(kr.current, kr.unit)
    )
    if kr.kind == "maintain":
        low, high = ui.with_symbol(kr.low, kr.unit), ui.with_symbol(kr.high, kr.unit)
        if kr.low is not None and kr.high is not None:
            band = format_html("{} &ndash; {}", low, high)
        elif kr.low is not None:
            band = format_html("&ge; {}", low)
        else:
            band = format_html("&le; {}", high)
        return format_html('{}<span class="measure__target">keep {}</span>', current, band)
    return format_html(
        '{}<span class="measure__target">target {} · from {} · '
        '<span title="Progress from start to target">{}</span> reached</span>',
        current,
        ui.with_symbol(kr.target, kr.unit),
        ui.with_symbol(kr.start, kr.unit),
        ui.percent(kr.progress),
    )


def _kr_row(
    kr: KeyResultRow, place: str, page: _Page, *, saved: bool = False, oob: bool = False
) -> SafeString:
    if place == "waiting":
        who = format_html(
            '<a class="kr__objective" href="{}">{}</a>',
            page.objective(kr.objective_id),
            kr.objective_title,
        )
    elif kr.owner is not None:
        who = format_html('<span class="kr__owner">{}</span>', kr.owner.name)
    else:
        who = mark_safe('<span class="kr__owner muted">No owner</span>')
    cells = [
        format_html(
            '<td class="kr-cell--title"><span class="kr__title">{}</span>{}</td>', kr.title, who
        ),
        format_html('<td class="kr-cell--measure">{}</td>', _measure(kr)),
    ]
    if place != "waiting":
        cells.append(
            format_html(
                '<td class="kr-cell--score"><span class="kr__score">{}{}</span></td>',
                progress_html(kr.score, kr.tone, label="", size="sm", name="Key result score"),
                score_html(kr.score),
            )
        )
    if kr.live:
        badge = status_html(kr.status, True)
    else:
        badge = mark_safe('<span class="muted" title="Closed: no pace">-</span>')
    cells.append(format_html('<td class="kr-cell--status">{}</td>', badge))
    if kr.confidence is not None:
        cells.append(
            format_html(
                '<td class="kr-cell--confidence"><span class="confidence" title="Confidence '
                'of reaching the target, 0 to 10">{}<span class="confidence__of">/10</span>'
                "</span></td>",
                kr.confidence,
            )
        )
    else:
        cells.append(mark_safe('<td class="kr-cell--confidence"><span class="muted">-</span></td>'))
    if place == "waiting":
        if saved:
            last = format_html(
                '<span class="checked">{}Checked in</span>', _icon("check", "icon icon--sm")
            )
        elif kr.last_check_in_at:
            last = format_html(
                '<time datetime="{}">{}</time>',
                _iso(kr.last_check_in_at),
                _day_month(kr.last_check_in_at),
            )
        else:
            last = mark_safe('<span class="muted">Never</span>')
        cells.append(format_html('<td class="kr-cell--last">{}</td>', last))
    action = ""
    if ui.checkin_allowed(kr, page.person):
        url = page.check_in(kr.id)
        action = format_html(
            '<a class="button button--sm check-in-button{}" href="{}?context={}&amp;next={}" '
            'hx-get="{}?context={}" hx-target="closest tr" hx-swap="outerHTML" '
            'data-check-in-open="{}" aria-label="Check in on {}">Check in</a>',
            " check-in-button--due" if kr.due else "",
            url,
            place,
            page.here,
            url,
            place,
            kr.id,
            kr.title,
        )
    cells.append(format_html('<td class="kr-cell--actions">{}</td>', action))
    swap = ""
    if oob:
        swap = format_html(
            " hx-swap-oob=\"outerHTML:[data-kr-row='{}'][data-kr-context='{}']\"", kr.id, place
        )
    return format_html(
        '<tr class="kr-row{}" data-kr-row="{}" data-kr-context="{}" data-tone="{}"{}>{}</tr>',
        " is-saved" if saved else "",
        kr.id,
        place,
        kr.tone,
        swap,
        _join(cells),
    )


def _day_month(moment: Any) -> str:
    """ "5 Nov", as the `date:"j M"` filter writes it (in the current time zone)."""
    return date_format(template_localtime(moment), "j M")


def _iso(moment: Any) -> str:
    """As the `date:"c"` filter writes it (in the current time zone)."""
    return date_format(template_localtime(moment), "c")


@register.simple_tag(takes_context=True)
def kr_row(
    context: template.Context, kr: KeyResultRow, place: str, saved: bool = False, oob: bool = False
) -> SafeString:
    """A key result's row on the board or home (`place` "objective" or "waiting")."""
    return _kr_row(kr, place, _page(context), saved=bool(saved), oob=bool(oob))


# --- Objective rows --------------------------------------------------------------------------


def _summary(row: ObjectiveRow, marker: Any, page: _Page, *, oob: bool = False) -> SafeString:
    if row.last_check_in_at:
        last = format_html(
            'Last check-in <time datetime="{}">{}</time>',
            _iso(row.last_check_in_at),
            _day_month(row.last_check_in_at),
        )
    else:
        last = mark_safe("No check-in yet")
    if row.owner is not None:
        owner = format_html(
            '{}<span class="objective__owner-name">{}</span>',
            avatar_html(row.owner.name, row.owner.initials, "sm"),
            row.owner.name,
        )
    else:
        owner = format_html('{}<span class="muted">No owner</span>', _icon("user"))
    bar = progress_html(
        row.progress, row.tone, marker=marker if row.live else None, name="Objective progress"
    )
    if row.final:
        status = format_html(
            '<span class="badge badge--plain">Closed</span>{}',
            score_html(row.final_score, final=True),
        )
    elif row.live:
        status = status_html(row.status)
    else:
        status = format_html(
            '<span class="badge badge--plain">{}</span>', str(row.state).capitalize()
        )
    count = row.key_result_count
    return format_html(
        '<summary class="objective__summary" data-objective-summary="{id}"{swap}>'
        '<span class="objective__toggle">{chevron}</span>'
        '<span class="objective__main"><a class="objective__title" href="{url}">{title}</a>'
        '<span class="objective__meta"><span class="badge badge--kind" data-kind="{kind}">'
        "{kind_label}</span><span>{list_icon}{count} key result{plural}</span>"
        "<span>{clock}{last}</span></span></span>"
        '<span class="objective__owner">{owner}</span>'
        '<span class="objective__progress">{bar}</span>'
        '<span class="objective__status">{status}</span></summary>',
        id=row.id,
        swap=format_html(" hx-swap-oob=\"outerHTML:[data-objective-summary='{}']\"", row.id)
        if oob
        else "",
        chevron=_icon("chevron"),
        url=page.objective(row.id),
        title=row.title,
        kind=row.kind,
        kind_label=str(row.kind).capitalize(),
        list_icon=_icon("list", "icon icon--sm"),
        count=count,
        plural="" if count == 1 else "s",
        clock=_icon("clock", "icon icon--sm"),
        last=last,
        owner=owner,
        bar=bar,
        status=status,
    )


_KR_TABLE_HEAD = mark_safe(
    '<colgroup><col class="col-title"><col class="col-measure"><col class="col-score">'
    '<col class="col-status"><col class="col-confidence"><col class="col-actions"></colgroup>'
    '<thead><tr><th scope="col">Key result</th><th scope="col">Current</th>'
    '<th scope="col">Score</th><th scope="col">Status</th><th scope="col">Confidence</th>'
    '<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>'
)


def _objective(row: ObjectiveRow, prefix: str, marker: Any, opened: bool, page: _Page) -> str:
    if row.key_results:
        body = format_html(
            '<table class="table kr-table" data-kr-table="objective">'
            '<caption class="visually-hidden">Key results of {}</caption>{}<tbody>{}</tbody>'
            "</table>",
            row.title,
            _KR_TABLE_HEAD,
            _join(_kr_row(kr, "objective", page) for kr in row.key_results),
        )
    else:
        body = format_html(
            '<div class="empty-state empty-state--compact"><div class="empty-state__art" '
            'aria-hidden="true">{}</div><div><p class="empty-state__title">No key results yet</p>'
            '<p class="empty-state__text">An objective is measured by its key results: add two '
            "to five to see its progress.</p></div></div>",
            _icon("list", "empty-state__icon"),
        )
    links = [
        format_html(
            '<a class="link-arrow" href="{}">Open the objective{}</a>',
            page.objective(row.id),
            _icon("arrow-right", "icon icon--sm"),
        )
    ]
    if page.can_edit and not row.locked:
        links.append(
            format_html(
                '<a class="link-plain" href="{}">{}Add a key result</a>'
                '<a class="link-plain" href="{}">{}Edit</a>',
                page.add_key_result(row.id),
                _icon("plus", "icon icon--sm"),
                page.edit(row.id),
                _icon("edit", "icon icon--sm"),
            )
        )
    return format_html(
        '<details class="objective" id="objective-{}-{}" data-objective-id="{}"{}>{}'
        '<div class="objective__body">{}<div class="objective__links">{}</div></div></details>',
        prefix or "row",
        row.id,
        row.id,
        mark_safe(" open") if opened else "",
        _summary(row, marker, page),
        body,
        _join(links),
    )


@register.simple_tag(takes_context=True)
def objective_list(
    context: template.Context,
    rows: Iterable[ObjectiveRow],
    prefix: str = "row",
    marker: Any = None,
    opened: bool = False,
) -> SafeString:
    """Objectives as folded rows (`<details>`), each with its key results table."""
    page = _page(context)
    items = (
        format_html("<li>{}</li>", _objective(row, prefix, marker, bool(opened), page))
        for row in rows
    )
    return format_html('<ul class="objective-list">{}</ul>', _join(items))


@register.simple_tag(takes_context=True)
def objective_summary(
    context: template.Context, row: ObjectiveRow, marker: Any = None, oob: bool = False
) -> SafeString:
    """One objective's summary line (what a check-in refreshes out of band)."""
    return _summary(row, marker, _page(context), oob=bool(oob))


@register.filter
def board_query(filters: BoardFilters, team_id: int) -> str:
    """The board's query string narrowed to one team (its first page)."""
    return filters.query(team=team_id, q=None, page=None)
