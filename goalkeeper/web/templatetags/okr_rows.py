"""Objective and key result rows, written in Python.

The board, home and the check-in answers show dozens of objectives with their key results;
as templates (an include per row, an inclusion tag per bar, badge and chip, a route reversed
per link) they spent most of a page's time rendering. The markup here is the same design
system's (`goalkeeper_ui` computes every value it shows), built once per row.

    {% load okr_rows %}
    {% okr_icons %}                                          once per page: the rows' icons
    {% objective_list rows "board" cycle.pace_marker %}      <ul> of folded objectives
    {% objective_list rows "mine" cycle.pace_marker True %}  ... opened
    {% objective_summary row marker oob=True %}              one row's summary line
    {% kr_row kr "objective" saved=True %}                   one key result row
    {{ filters|board_query:team_id }}                        the board narrowed to a team

Every text from the data is escaped (`_e`); the markup around it is this module's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext as _

from goalkeeper.links import url_maker
from goalkeeper.okrs.view_models import BoardFilters, KeyResultRow, ObjectiveRow
from goalkeeper.web.templatetags import goalkeeper_ui as ui

register = template.Library()

# The render context's key for what the rows of one render share.
_SHARED = "okr_rows.page"

# Where a key result row is drawn by this module; the objective page's rows ("detail")
# carry forecasts and actions of other apps and stay a template.
PLACES = ("objective", "waiting")


# The icons rows use, drawn once per page by `{% okr_icons %}` and referenced by each row: an
# inline icon is 250 bytes, and a page of forty objectives carries three hundred of them.
ROW_ICONS = ("chevron", "list", "clock", "user", "check", "arrow-right", "plus", "edit")


@functools.cache
def _icon(name: str, css_class: str = "icon") -> str:
    return (
        f'<svg class="{css_class}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
        f'<use href="#gk-icon-{name}"></use></svg>'
    )


@register.simple_tag
def okr_icons() -> SafeString:
    """The icons of the rows, as symbols; once on any page that shows objective rows."""
    symbols = "".join(
        f'<symbol id="gk-icon-{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{ui.ICONS[name]}'
        "</symbol>"
        for name in ROW_ICONS
    )
    return _safe(f'<svg style="display: none" aria-hidden="true">{symbols}</svg>')


class _Words:
    """The fixed texts of the rows in one language, looked up once per language."""

    def __init__(self) -> None:
        self.done, self.not_done, self.milestone = _("Done"), _("Not done"), _("milestone")
        self.progress_title = _("Progress from start to target")
        self.no_owner = _("No owner")
        self.kr_score = _("Key result score")
        self.closed_no_pace = _("Closed: no pace")
        self.confidence_title = _("Confidence of reaching the target, 0 to 10")
        self.checked_in, self.never = _("Checked in"), _("Never")
        self.check_in = _("Check in")
        self.no_check_in = _("No check-in yet")
        self.objective_progress = _("Objective progress")
        self.closed = _("Closed")
        self.no_progress = _("No progress to show")
        self.no_final_score = _("No final score")
        self.score_so_far = _("Score so far: its colour is the pace status's")
        self.states = {"draft": _("Draft"), "active": _("Active"), "closed": _("Closed")}
        self.kinds = {"committed": _("Committed"), "aspirational": _("Aspirational")}
        self.no_key_results = _("No key results yet")
        self.no_key_results_text = _(
            "An objective is measured by its key results: add two to five to see its progress."
        )
        self.open_objective = _("Open the objective")
        self.add_key_result = _("Add a key result")
        self.edit = _("Edit")
        self.day_month = str(get_format("SHORT_DATE_FORMAT"))
        self.last_check_in = _("Last check-in")
        heads = [_("Key result"), _("Current"), _("Score"), _("Status"), _("Confidence")]
        actions = _("Actions")
        self.table_head = (
            '<colgroup><col class="col-title"><col class="col-measure"><col class="col-score">'
            '<col class="col-status"><col class="col-confidence"><col class="col-actions">'
            "</colgroup><thead><tr>"
            + "".join(f'<th scope="col">{_e(head)}</th>' for head in heads)
            + f'<th scope="col"><span class="visually-hidden">{_e(actions)}</span></th>'
            "</tr></thead>"
        )


@functools.lru_cache(maxsize=8)
def _words_in(language: str | None) -> _Words:
    return _Words()


def _words() -> _Words:
    """The rows' texts in the active language."""
    return _words_in(get_language())


class _Page:
    """What every row of one render shares: the viewer, the routes, the page's address."""

    def __init__(self, context: template.Context) -> None:
        self.words = _words()
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
# Built with f-strings: `format_html` escapes every argument, safe or not, and on a page of a
# hundred rows that is most of the time spent. Each text from the data goes through `_e`;
# numbers, tones and the fragments built here are written as they are.


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def progress_html(
    value: Any,
    status: Any = "",
    marker: Any = None,
    label: Any = None,
    size: str = "",
    name: str | None = None,
) -> str:
    """`{% progress_bar %}`'s markup, from the same values."""
    bar = ui.progress_bar(value, status, marker=marker, label=label, size=size, name=name)
    name = str(bar["name"])
    if bar["has_value"]:
        said = bar["label"] or ui.percent(value)
        spoken = f"{said}, {bar['status_label'].lower()}" if bar["status_label"] else said
        track = (
            f'aria-valuenow="{bar["now"]}" aria-valuetext="{_e(spoken)}">'
            f'<div class="progress__fill" style="width: {bar["width"]}%"></div>'
        )
    else:
        track = f'aria-valuetext="{_e(_words().no_progress)}">'
    tick = ""
    if bar["marker"] is not None:
        expected = _("Expected by now: %(expected)s") % {"expected": bar["marker_label"]}
        tick = (
            f'<div class="progress__marker" style="left: {bar["marker"]}%" '
            f'title="{_e(expected)}">'
            "</div>"
        )
    text = ""
    if bar["label"]:
        none = "" if bar["has_value"] else " progress__label--none"
        text = f'<span class="progress__label{none}">{_e(bar["label"])}</span>'
    sized = f" progress--{_e(size)}" if size else ""
    return (
        f'<div class="progress{sized}" data-tone="{_e(bar["tone"])}"><div class="progress__track" '
        f'role="progressbar" aria-label="{_e(name)}" aria-valuemin="0" aria-valuemax="100" '
        f"{track}{tick}</div>{text}</div>"
    )


def status_html(status: Any, compact: bool = False) -> str:
    """`{% status_badge %}`'s markup."""
    badge = ui.status_badge(status, compact=compact)
    hint = f' title="{_e(badge["hint"])}"' if badge["hint"] else ""
    return (
        f'<span class="badge badge--status{" badge--compact" if compact else ""}" '
        f'data-tone="{_e(badge["tone"])}"{hint}><span class="badge__dot" aria-hidden="true">'
        f"</span>{_e(badge['label'])}</span>"
    )


def score_html(value: Any, final: bool = False) -> str:
    """`{% score_chip %}`'s markup."""
    chip = ui.score_chip(value, final=final)
    if chip["band"]:
        title = _e(
            _("Final score %(score)s (%(band)s band)")
            % {"score": chip["text"], "band": chip["band_label"]}
        )
    elif final:
        title = _e(_words().no_final_score)
    else:
        title = _e(_words().score_so_far)
    return (
        f'<span class="score-chip" data-tone="{chip["tone"]}" title="{title}">{chip["text"]}</span>'
    )


def avatar_html(name: Any, initials: Any = None, size: str = "") -> str:
    """`{% avatar %}`'s markup."""
    face = ui.avatar(name, initials, size)
    sized = f" avatar--{_e(size)}" if size else ""
    return (
        f'<span class="avatar{sized}" style="--avatar-hue: {face["hue"]}" '
        f'title="{_e(face["name"])}" aria-hidden="true">{_e(face["initials"])}</span>'
    )


# --- Key result rows -------------------------------------------------------------------------


def _measure(kr: KeyResultRow, words: _Words) -> str:
    if kr.kind == "milestone":
        done = words.done if kr.done else words.not_done
        return (
            f'<span class="measure"><strong>{_e(done)}</strong></span>'
            f'<span class="measure__target">{_e(words.milestone)}</span>'
        )
    current = (
        f'<span class="measure"><strong>{_e(ui.with_unit(kr.current, kr.unit))}</strong></span>'
    )
    if kr.kind == "maintain":
        low, high = _e(ui.with_symbol(kr.low, kr.unit)), _e(ui.with_symbol(kr.high, kr.unit))
        if kr.low is not None and kr.high is not None:
            band = f"{low} &ndash; {high}"
        elif kr.low is not None:
            band = f"&ge; {low}"
        else:
            band = f"&le; {high}"
        keep = _e(pgettext("keep a value within a range", "keep"))
        return f'{current}<span class="measure__target">{keep} {band}</span>'
    span = _e(
        _("target %(target)s · from %(start)s")
        % {
            "target": ui.with_symbol(kr.target, kr.unit),
            "start": ui.with_symbol(kr.start, kr.unit),
        }
    )
    progress = f'<span title="{_e(words.progress_title)}">{ui.percent(kr.progress)}</span>'
    reached = _e(_("%(progress)s reached")) % {"progress": progress}
    return f'{current}<span class="measure__target">{span} · {reached}</span>'


def _kr_row(
    kr: KeyResultRow, place: str, page: _Page, *, saved: bool = False, oob: bool = False
) -> str:
    words = page.words
    if place == "waiting":
        who = (
            f'<a class="kr__objective" href="{page.objective(kr.objective_id)}">'
            f"{_e(kr.objective_title)}</a>"
        )
    elif kr.owner is not None:
        who = f'<span class="kr__owner">{_e(kr.owner.name)}</span>'
    else:
        who = f'<span class="kr__owner muted">{_e(words.no_owner)}</span>'
    title = _e(kr.title)
    cells = [
        f'<td class="kr-cell--title"><span class="kr__title">{title}</span>{who}</td>',
        f'<td class="kr-cell--measure">{_measure(kr, words)}</td>',
    ]
    if place != "waiting":
        bar = progress_html(kr.score, kr.tone, label="", size="sm", name=words.kr_score)
        cells.append(
            f'<td class="kr-cell--score"><span class="kr__score">{bar}{score_html(kr.score)}'
            "</span></td>"
        )
    if kr.live:
        badge = status_html(kr.status, True)
    else:
        badge = f'<span class="muted" title="{_e(words.closed_no_pace)}">-</span>'
    cells.append(f'<td class="kr-cell--status">{badge}</td>')
    if kr.confidence is not None:
        cells.append(
            '<td class="kr-cell--confidence"><span class="confidence" '
            f'title="{_e(words.confidence_title)}">{int(kr.confidence)}'
            '<span class="confidence__of">/10</span></span></td>'
        )
    else:
        cells.append('<td class="kr-cell--confidence"><span class="muted">-</span></td>')
    if place == "waiting":
        if saved:
            last = (
                f'<span class="checked">{_icon("check", "icon icon--sm")}'
                f"{_e(words.checked_in)}</span>"
            )
        elif kr.last_check_in_at:
            last = (
                f'<time datetime="{_iso(kr.last_check_in_at)}">'
                f"{_day_month(kr.last_check_in_at, words)}</time>"
            )
        else:
            last = f'<span class="muted">{_e(words.never)}</span>'
        cells.append(f'<td class="kr-cell--last">{last}</td>')
    action = ""
    if ui.checkin_allowed(kr, page.person):
        label = _("Check in on %(kr)s") % {"kr": kr.title}
        url = page.check_in(kr.id)
        due = " check-in-button--due" if kr.due else ""
        where = _e(place)
        action = (
            f'<a class="button button--sm check-in-button{due}" '
            f'href="{url}?context={where}&amp;next={_e(page.here)}" '
            f'hx-get="{url}?context={where}" hx-target="closest tr" hx-swap="outerHTML" '
            f'data-check-in-open="{kr.id}" '
            f'aria-label="{_e(label)}">'
            f"{_e(words.check_in)}</a>"
        )
    cells.append(f'<td class="kr-cell--actions">{action}</td>')
    swap = ""
    if oob:
        swap = f" hx-swap-oob=\"outerHTML:[data-kr-row='{kr.id}'][data-kr-context='{_e(place)}']\""
    return (
        f'<tr class="kr-row{" is-saved" if saved else ""}" data-kr-row="{kr.id}" '
        f'data-kr-context="{_e(place)}" data-tone="{_e(kr.tone)}"{swap}>{"".join(cells)}</tr>'
    )


def _day_month(moment: Any, words: _Words) -> str:
    """ "5 Nov", as the `date:"SHORT_DATE_FORMAT"` filter writes it (in the current time
    zone and language)."""
    return date_format(template_localtime(moment), words.day_month)


def _iso(moment: Any) -> str:
    """As the `date:"c"` filter writes it (in the current time zone)."""
    return date_format(template_localtime(moment), "c")


@register.simple_tag(takes_context=True)
def kr_row(
    context: template.Context, kr: KeyResultRow, place: str, saved: bool = False, oob: bool = False
) -> SafeString:
    """A key result's row on the board or home (`place` "objective" or "waiting")."""
    return _safe(_kr_row(kr, place, _page(context), saved=bool(saved), oob=bool(oob)))


# --- Objective rows --------------------------------------------------------------------------


def _summary(
    row: ObjectiveRow, marker: Any, page: _Page, *, oob: bool = False, opened: bool = False
) -> str:
    words = page.words
    if row.last_check_in_at:
        last = (
            f'{_e(words.last_check_in)} <time datetime="{_iso(row.last_check_in_at)}">'
            f"{_day_month(row.last_check_in_at, words)}</time>"
        )
    else:
        last = _e(words.no_check_in)
    if row.owner is not None:
        name = _e(row.owner.name)
        owner = (
            f"{avatar_html(row.owner.name, row.owner.initials, 'sm')}"
            f'<span class="objective__owner-name">{name}</span>'
        )
    else:
        owner = f'{_icon("user")}<span class="muted">{_e(words.no_owner)}</span>'
    bar = progress_html(
        row.progress,
        row.tone,
        marker=marker if row.live else None,
        name=words.objective_progress,
    )
    if row.final:
        status = (
            f'<span class="badge badge--plain">{_e(words.closed)}</span>'
            f"{score_html(row.final_score, True)}"
        )
    elif row.live:
        status = status_html(row.status)
    else:
        state = words.states.get(str(row.state), str(row.state).capitalize())
        status = f'<span class="badge badge--plain">{_e(state)}</span>'
    count = row.key_result_count
    counted = ngettext("%(count)s key result", "%(count)s key results", count) % {"count": count}
    swap = f" hx-swap-oob=\"outerHTML:[data-objective-summary='{row.id}']\"" if oob else ""
    # The row's title is its link and the toggle a button beside it (a link inside a
    # <summary> is a control inside a control, which assistive technology cannot reach).
    # An out-of-band copy cannot know whether its row is open: app.js sets aria-expanded.
    toggle_name = _e(gettext("Key results of %(title)s") % {"title": row.title})
    return (
        f'<div class="objective__summary" data-objective-summary="{row.id}"{swap}>'
        f'<button type="button" class="objective__toggle" data-objective-toggle '
        f'aria-expanded="{"true" if opened else "false"}">{_icon("chevron")}'
        f'<span class="visually-hidden">{toggle_name}</span></button>'
        f'<span class="objective__main"><a class="objective__title" '
        f'href="{page.objective(row.id)}">{_e(row.title)}</a>'
        f'<span class="objective__meta"><span class="badge badge--kind" data-kind="{_e(row.kind)}">'
        f"{_e(words.kinds.get(str(row.kind), str(row.kind).capitalize()))}</span>"
        f"<span>{_icon('list', 'icon icon--sm')}"
        f"{_e(counted)}"
        f"</span><span>{_icon('clock', 'icon icon--sm')}{last}</span></span></span>"
        f'<span class="objective__owner">{owner}</span>'
        f'<span class="objective__progress">{bar}</span>'
        f'<span class="objective__status">{status}</span></div>'
    )


def _objective(row: ObjectiveRow, prefix: str, marker: Any, opened: bool, page: _Page) -> str:
    words = page.words
    if row.key_results:
        caption = _("Key results of %(objective)s") % {"objective": row.title}
        krs = "".join(_kr_row(kr, "objective", page) for kr in row.key_results)
        body = (
            '<table class="table kr-table" data-kr-table="objective"><caption '
            f'class="visually-hidden">'
            f"{_e(caption)}"
            f"</caption>{words.table_head}"
            f"<tbody>{krs}</tbody></table>"
        )
    else:
        body = (
            '<div class="empty-state empty-state--compact"><div class="empty-state__art" '
            f'aria-hidden="true">{_icon("list", "empty-state__icon")}</div><div>'
            f'<p class="empty-state__title">{_e(words.no_key_results)}</p>'
            f'<p class="empty-state__text">{_e(words.no_key_results_text)}</p></div></div>'
        )
    links = (
        f'<a class="link-arrow" href="{page.objective(row.id)}">{_e(words.open_objective)}'
        f"{_icon('arrow-right', 'icon icon--sm')}</a>"
    )
    if page.can_edit and not row.locked:
        links += (
            f'<a class="link-plain" href="{page.add_key_result(row.id)}">'
            f"{_icon('plus', 'icon icon--sm')}{_e(words.add_key_result)}</a>"
            f'<a class="link-plain" href="{page.edit(row.id)}">{_icon("edit", "icon icon--sm")}'
            f"{_e(words.edit)}</a>"
        )
    return (
        f'<div class="objective{" is-open" if opened else ""}" '
        f'id="objective-{_e(prefix or "row")}-{row.id}" data-objective-id="{row.id}">'
        f"{_summary(row, marker, page, opened=opened)}"
        f'<div class="objective__body"{"" if opened else " hidden"}>{body}'
        f'<div class="objective__links">{links}</div></div></div>'
    )


def _select(row: ObjectiveRow, form: str) -> str:
    """The row's checkbox for the board's bulk changes: beside the row, never inside it."""
    if not form:
        return ""
    label = _e(gettext("Select %(title)s") % {"title": row.title})
    return (
        f'<input type="checkbox" class="bulk-check" name="objectives" value="{row.id}" '
        f'form="{_e(form)}" aria-label="{label}" data-testid="select-objective">'
    )


def _safe(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 - every text from the data escaped by _e


@register.simple_tag(takes_context=True)
def objective_list(
    context: template.Context,
    rows: Iterable[ObjectiveRow],
    prefix: str = "row",
    marker: Any = None,
    opened: bool = False,
    select: str = "",
) -> SafeString:
    """Objectives as folded rows (a disclosure button each), each with its key results table;
    with `select` (a form's id), a checkbox beside each row joins that form (bulk changes)."""
    page = _page(context)
    items = "".join(
        f"<li>{_select(row, select)}{_objective(row, prefix, marker, bool(opened), page)}</li>"
        for row in rows
    )
    return _safe(f'<ul class="objective-list">{items}</ul>')


@register.simple_tag(takes_context=True)
def objective_summary(
    context: template.Context, row: ObjectiveRow, marker: Any = None, oob: bool = False
) -> SafeString:
    """One objective's summary line (what a check-in refreshes out of band)."""
    return _safe(_summary(row, marker, _page(context), oob=bool(oob)))


@register.filter
def board_query(filters: BoardFilters, team_id: int) -> str:
    """The board's query string narrowed to one team (its first page)."""
    return filters.query(team=team_id, q=None, page=None)
