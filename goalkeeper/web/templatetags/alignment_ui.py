"""The alignment tree's markup, written in Python: a tree page holds up to a few hundred
nodes and the template engine spends a millisecond on each.

    {% load alignment_ui %}
    {% tree_nodes tree.roots tree.cycle.id %}      nested list items, children loaded or not
    {% tree_search_hits search %}                  matches with their paths

Every text passes through `format_html` (escaped); the fragments are assembled from parts
that were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goalkeeper.links import url_maker
from goalkeeper.okrs.view_models import ObjectiveRow, SearchHit, TreeNode, TreeSearch
from goalkeeper.web.templatetags.goalkeeper_ui import (
    band,
    bar_width,
    icon,
    pace_label,
    percent,
    score1,
)

register = template.Library()


class _Links:
    """The routes a tree links to, each resolved once per render."""

    def __init__(self, cycle_id: int) -> None:
        self.objective: Callable[[int], str] = url_maker("objective_detail")
        self.children: Callable[[int], str] = url_maker("alignment_children")
        self.tree = reverse("alignment_cycle", args=[cycle_id])

    def focus(self, pk: int) -> str:
        return f"{self.tree}?focus={pk}#node-{pk}"


def _join(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


@register.simple_tag
def tree_nodes(nodes: Iterable[TreeNode], cycle_id: int) -> SafeString:
    """Nodes as nested list items: loaded children inline, the others fetched on opening."""
    links = _Links(cycle_id)
    return _join(_node(node, links) for node in nodes)


@register.simple_tag
def tree_page(page: Any) -> SafeString:
    """One page of a node's supporting objectives (`TreePage`), and a "more" item."""
    links = _Links(page.cycle_id)
    parts = [_node(node, links) for node in page.nodes]
    if page.more_from is not None:
        parts.append(_more(page.parent_id, page.more_from, page.total, links))
    return _join(parts)


def _more(parent_id: int, start: int, total: int, links: _Links) -> str:
    return format_html(
        '<li class="tree__more"><button type="button" class="button button--sm" '
        'hx-get="{}?start={}" hx-target="closest li" hx-swap="outerHTML" data-tree-more>'
        '{}</button><span class="muted">{}</span></li>',
        links.children(parent_id),
        start,
        _("Show more"),
        _("%(shown)s of %(total)s shown; the search finds any of them")
        % {"shown": start, "total": total},
    )


def _node(node: TreeNode, links: _Links) -> str:
    row = node.row
    count = node.child_count
    children = ""
    if not count:
        toggle = mark_safe('<span class="tree__leaf" aria-hidden="true"></span>')
    else:
        label = format_html(
            '<span class="visually-hidden">{}</span>',
            ngettext(
                "%(count)s objective supporting %(title)s",
                "%(count)s objectives supporting %(title)s",
                count,
            )
            % {"count": count, "title": row.title},
        )
        fetch = ""
        if not node.loaded:
            fetch = format_html(
                ' hx-get="{}" hx-target="#children-{}" hx-trigger="click once" hx-swap="innerHTML"',
                links.children(row.id),
                row.id,
            )
        toggle = format_html(
            '<button type="button" class="tree__toggle" aria-expanded="{}" '
            'aria-controls="children-{}" data-tree-toggle{}>{}{}</button>',
            "true" if node.expanded else "false",
            row.id,
            fetch,
            icon("chevron"),
            label,
        )
        if not node.loaded:
            # Without JavaScript the button does nothing: a link opens the node on a page.
            toggle = format_html(
                '{}<a class="tree__toggle tree__toggle--link" href="{}">{}{}</a>',
                toggle,
                links.focus(row.id),
                icon("chevron"),
                label,
            )
        inner = [_node(kid, links) for kid in node.children]
        if node.loaded and node.more_from is not None:
            inner.append(_more(row.id, node.more_from, count, links))
        children = format_html(
            '<ul class="tree__children" id="children-{}"{}>{}</ul>',
            row.id,
            "" if node.expanded else mark_safe(" data-collapsed"),
            _join(inner),
        )
    meta = [
        format_html(
            '<span class="tree__team">{}</span>',
            _("Company") if row.company_level else row.team_name,
        )
    ]
    if row.owner is not None:
        meta.append(format_html('<span class="tree__owner">{}</span>', row.owner.name))
    if count:
        meta.append(
            format_html(
                '<span class="tree__count" title="{}">{}</span>',
                _("Objectives supporting it directly, and at every level below"),
                _("%(count)s supporting, %(below)s below")
                % {"count": count, "below": node.descendants}
                if node.descendants > count
                else _("%(count)s supporting") % {"count": count},
            )
        )
    return format_html(
        '<li class="tree__item{via_class}" id="node-{id}" data-tree-node="{id}">{via}{row}'
        "{cascade}{children}</li>",
        id=row.id,
        via_class=" tree__item--via" if node.via else "",
        via=_via(node, links),
        row=_row(row, links, toggle, _join(meta), focused=node.focused),
        cascade=_cascade(node, links),
        children=children,
    )


def _kr_url(links: _Links, objective_id: int, key_result_id: int) -> str:
    return f"{links.objective(objective_id)}#kr-{key_result_id}"


def _via(node: TreeNode, links: _Links) -> SafeString:
    """The parent's key result the objective is aligned to, above its row."""
    if node.via is None:
        return mark_safe("")
    return format_html(
        '<p class="tree__via" data-tree-via="{}"><span aria-hidden="true">↳</span> {} '
        '<a href="{}">{}</a></p>',
        node.via.id,
        _("via KR:"),
        _kr_url(links, node.via.objective_id, node.via.id),
        node.via.title,
    )


def _cascade(node: TreeNode, links: _Links) -> SafeString:
    """Under the row: the further parents it also supports, and which of its key results
    contribute to a key result elsewhere (each a link to that key result)."""
    lines = []
    for parent in node.also:
        target = (
            format_html(
                '<a href="{}">{}</a> <span class="muted">({})</span>',
                _kr_url(links, parent.objective_id, parent.key_result_id),
                parent.key_result_title,
                parent.objective_title,
            )
            if parent.key_result_id
            else format_html(
                '<a href="{}">{}</a>', links.objective(parent.objective_id), parent.objective_title
            )
        )
        lines.append(
            format_html(
                '<li class="tree__also" data-tree-also>{} {}</li>', _("Also supports"), target
            )
        )
    for kr in node.row.key_results:
        if kr.contributes_to is None:
            continue
        lines.append(
            format_html(
                '<li class="tree__contribution" data-tree-contribution="{}">{} '
                '<span aria-hidden="true">→</span><span class="visually-hidden">{}'
                '</span> <a href="{}">{}</a> <span class="muted">({})</span></li>',
                kr.id,
                kr.title,
                _("contributes to"),
                _kr_url(links, kr.contributes_to.objective_id, kr.contributes_to.id),
                kr.contributes_to.title,
                kr.contributes_to.objective_title,
            )
        )
    if not lines:
        return mark_safe("")
    return format_html('<ul class="tree__links">{}</ul>', _join(lines))


def _row(
    row: ObjectiveRow, links: _Links, toggle: str, meta: str, *, focused: bool = False
) -> SafeString:
    return format_html(
        '<div class="tree__row{focused}" data-tone="{status}">{toggle}'
        '<span class="tree__dot" aria-hidden="true"></span>'
        '<span class="tree__main"><a class="tree__title" href="{url}">{title}</a>'
        '<span class="tree__meta">{meta}</span></span>'
        '<span class="tree__progress">{track}</span>'
        '<span class="tree__status">{badge}</span></div>',
        focused=" is-focused" if focused else "",
        status=row.tone,
        toggle=toggle,
        url=links.objective(row.id),
        title=row.title,
        meta=meta,
        track=_track(row),
        badge=_badge(row),
    )


def _track(row: ObjectiveRow) -> SafeString:
    width = bar_width(row.progress)
    label = percent(row.progress)
    if width:
        bar = format_html(
            '<span class="progress__track" role="progressbar" aria-label="{}" '
            'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{}" aria-valuetext="{}, {}">'
            '<span class="progress__fill" style="width: {}%"></span></span>'
            '<span class="progress__label">{}</span>',
            _("Progress"),
            round(float(width)),
            label,
            pace_label(row.tone) if row.live else _("Closed"),
            width,
            label,
        )
    else:
        bar = format_html(
            '<span class="progress__track" role="progressbar" aria-label="{}" '
            'aria-valuemin="0" aria-valuemax="100" aria-valuetext="{}"></span>'
            '<span class="progress__label progress__label--none">{}</span>',
            _("Progress"),
            _("No progress to show"),
            label,
        )
    return format_html(
        '<span class="progress progress--sm" data-tone="{}">{}</span>', row.tone, bar
    )


def _objective_state(state: Any) -> str:
    states = {"draft": _("Draft"), "active": _("Active"), "closed": _("Closed")}
    return states.get(str(state), str(state).capitalize())


def _badge(row: ObjectiveRow) -> SafeString:
    """Pace while live; "Closed" and the final score in its band once closed."""
    if row.live:
        return format_html(
            '<span class="badge badge--status badge--compact" data-tone="{}">'
            '<span class="badge__dot" aria-hidden="true"></span>{}</span>',
            row.status,
            pace_label(row.status),
        )
    tone = band(row.final_score) if row.final else ""
    return format_html(
        '<span class="badge badge--plain badge--compact">{}</span>'
        '<span class="score-chip" data-tone="{}">{}</span>',
        _("Closed") if row.final else _objective_state(row.state),
        tone or "neutral",
        score1(row.final_score if row.final else row.score),
    )


@register.simple_tag
def tree_search_hits(search: TreeSearch) -> SafeString:
    """The search's matches, each under its path from the company level."""
    links = _Links(search.cycle_id)
    return _join(_hit(hit, links) for hit in search.hits)


def _hit(hit: SearchHit, links: _Links) -> str:
    row = hit.row
    steps = [format_html('<a href="{}">{}</a>', links.focus(pk), title) for pk, title in hit.path]
    path = (
        format_html(
            '<ol class="search-hit__path" aria-label="{}">{}</ol>',
            _("Path of %(title)s") % {"title": row.title},
            _join(format_html("<li>{}</li>", step) for step in steps),
        )
        if steps
        else format_html('<p class="search-hit__path search-hit__path--top">{}</p>', _("Top level"))
    )
    meta = [format_html('<span class="tree__team">{}</span>', row.team_name)]
    if row.owner is not None:
        meta.append(format_html('<span class="tree__owner">{}</span>', row.owner.name))
    meta.append(
        format_html(
            '<span><a class="search-hit__jump" href="{}">{}</a></span>',
            links.focus(row.id),
            _("Show in the tree"),
        )
    )
    toggle = mark_safe('<span class="tree__leaf" aria-hidden="true"></span>')
    return format_html(
        '<li class="search-hit" data-search-hit="{}">{}{}</li>',
        row.id,
        path,
        _row(row, links, toggle, _join(meta)),
    )
