"""A check-in's reactions bar and a thread's "N comments" toggle, as HTML built in Python.

The objective page shows one of each per check-in: built here, with every value escaped,
they cost a fraction of a template rendered per check-in (docs/comments.md, "Speed"). The
reaction view answers with the same function, so the bar has one spelling.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import override as language_override

from goalkeeper.comments.models import Emoji
from goalkeeper.comments.queries import ReactionCount

_ADD_ICON = (
    '<svg class="icon icon--sm" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
    'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
    'focusable="false"><circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 0 0 7 0"/>'
    '<path d="M9 9.5h.01M15 9.5h.01"/></svg><span aria-hidden="true">+</span>'
)


@lru_cache(maxsize=8)
def _picker(language: str) -> str:
    """The emoji picker, built once per language."""
    with language_override(language):
        react = escape(gettext("React"))
        add = escape(gettext("Add a reaction"))
    options = "".join(
        f'<button class="reaction-picker__option" type="submit" name="emoji" '
        f'value="{escape(name)}" aria-label="{react} {escape(name)}" data-emoji="{escape(name)}">'
        f"{escape(symbol)}</button>"
        for name, symbol in Emoji.choices
    )
    return (
        '<details class="reaction-picker"><summary class="reaction reaction--add" '
        f'aria-label="{add}">{_ADD_ICON}</summary>'
        f'<div class="reaction-picker__menu">{options}</div></details>'
    )


def _count(reaction: ReactionCount) -> str:
    return (
        f'<span aria-hidden="true">{escape(reaction.symbol)}</span> {int(reaction.count)}'
        f'<span class="visually-hidden"> {escape(reaction.emoji)}</span>'
    )


def reactions_html(
    check_in_id: int,
    reactions: Sequence[ReactionCount],
    *,
    can_react: bool,
    csrf_token: str,
    react_url: str | None = None,
) -> SafeString:
    """The bar: one form whose buttons each post their emoji (the pressed button's value),
    or the counts alone for who may not react."""
    pk = int(check_in_id)
    if not can_react:
        counts = "".join(
            f'<span class="reaction" data-emoji="{escape(r.emoji)}">{_count(r)}</span>'
            for r in reactions
        )
        return mark_safe(f'<div class="reactions" data-reactions="{pk}">{counts}</div>')  # noqa: S308
    url = escape(react_url or reverse("check_in_reaction", args=[pk]))
    buttons = "".join(
        f'<button class="reaction{" reaction--mine" if r.mine else ""}" type="submit" '
        f'name="emoji" value="{escape(r.emoji)}" aria-pressed="{"true" if r.mine else "false"}" '
        f'data-emoji="{escape(r.emoji)}">{_count(r)}</button>'
        for r in reactions
    )
    return mark_safe(  # noqa: S308 - every value above is escaped or an int
        f'<form class="reactions" data-reactions="{pk}" method="post" action="{url}" '
        f'hx-post="{url}" hx-target="this" hx-swap="outerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        f"{buttons}{_picker(get_language() or 'en')}</form>"
    )


def loader_html(
    subject_type: str, subject_id: int, count: int, label: str = "", *, comments_url: str = ""
) -> SafeString:
    """A collapsed "3 comments" toggle that loads the thread when opened."""
    kind, pk, n = escape(subject_type), int(subject_id), int(count)
    url = escape(comments_url or reverse("comments"))
    shown = (
        escape(ngettext("%(count)s comment", "%(count)s comments", n) % {"count": n})
        if n
        else escape(pgettext("button", "Comment"))
    )
    named = f'<span class="thread-toggle__label">{escape(label)}</span> ' if label else ""
    hidden = " " + escape(gettext("on %(subject)s") % {"subject": label}) if label else ""
    loading = escape(gettext("Loading…"))
    return mark_safe(  # noqa: S308 - every value above is escaped or an int
        f'<details class="thread-toggle" data-testid="thread-toggle-{kind}-{pk}">'
        f'<summary class="thread-toggle__summary">{named}'
        f'<span class="thread-toggle__count">{shown}</span>'
        f'<span class="visually-hidden">{hidden}</span></summary>'
        f'<div class="thread-toggle__body" hx-get="{url}?subject_type={kind}&amp;subject_id={pk}" '
        'hx-trigger="toggle from:closest details once" hx-swap="innerHTML">'
        f'<p class="muted">{loading}</p></div></details>'
    )
