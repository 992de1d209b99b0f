"""Template tags that put threads, comment counts and reactions on the pages of okrs,
kpis and web, which cannot import this app (it sits above them).

    {% load comments_ui %}
    {% comment_thread "kpi" kpi.id person %}                a thread, inline (three queries)
    {% thread_panel "objective" row.id %}                    a thread loaded after the page
    {% thread_loader "key_result" kr.id count label %}       a collapsed thread loaded on open
    {% comment_counts person subjects as counts %}           one query for a page's subjects
    {% count_of counts "key_result" kr.id as n %}
    {% objective_talk detail person as talk %}               the objective page's counts and
    {% check_in_bar talk entry %}                            its check-ins' reactions
    {{ comment.body|comment_html:names }}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from goalkeeper.accounts.models import Person
from goalkeeper.comments import queries
from goalkeeper.comments.bars import loader_html, reactions_html
from goalkeeper.comments.models import SubjectType
from goalkeeper.comments.subjects import anchor, find_subject
from goalkeeper.comments.text import render
from goalkeeper.links import url_maker

register = template.Library()


@register.inclusion_tag("comments/_thread.html")
def comment_thread(subject_type: str, subject_id: int, person: Person) -> dict[str, Any]:
    """The subject's thread with its form; nothing when the subject is not the viewer's."""
    subject = find_subject(person.workspace_id, subject_type, subject_id)
    if subject is None:
        return {"thread": None}
    return {"thread": queries.thread(person, subject), "person": person, "draft": "", "errors": []}


@register.inclusion_tag("comments/_panel.html")
def thread_panel(subject_type: str, subject_id: int) -> dict[str, Any]:
    """A place the thread fills as soon as the page has loaded (no query on the page)."""
    return {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "anchor": anchor(subject_type, subject_id),
    }


@register.simple_tag
def thread_loader(subject_type: str, subject_id: int, count: int, label: str = "") -> SafeString:
    """A "3 comments" toggle that loads the thread when opened."""
    return loader_html(subject_type, subject_id, count, label)


@register.simple_tag
def comment_counts(person: Person, subjects: Iterable[tuple[str, int]]) -> dict[Any, int]:
    """Comment counts of a page's subjects, read in one query."""
    return queries.counts_for(person.workspace_id, subjects)


@register.simple_tag
def count_of(counts: Mapping[Any, int], subject_type: str, subject_id: int) -> int:
    return counts.get((subject_type, subject_id), 0)


@dataclass(frozen=True)
class CheckInTalk:
    """The comment counts of a page's subjects, the reactions of its check-ins, and the
    check-ins the viewer may react on."""

    counts: dict[Any, int] = field(default_factory=dict)
    reactions: dict[int, list[queries.ReactionCount]] = field(default_factory=dict)
    writable: frozenset[int] = frozenset()
    comments_url: str = ""

    @cached_property
    def react_url(self) -> Callable[[int], str]:
        """The reaction route of a check-in, reversed once for the page."""
        return url_maker("check_in_reaction")


@register.simple_tag
def objective_talk(detail: Any, person: Person) -> CheckInTalk:
    """For the objective page: the comment counts of the objective, its key results and its
    check-ins in one query, and the check-ins' reactions in one more."""
    row = detail.row
    entries = list(detail.check_ins)
    ids = [entry.id for entry in entries]
    owners = {kr.id: (kr.owner.id if kr.owner else None) for kr in row.key_results}
    writable = frozenset(
        entry.id
        for entry in entries
        if person.can_edit
        or (entry.author is not None and entry.author.id == person.pk)
        or owners.get(entry.key_result_id) == person.pk
    )
    subjects = [
        (SubjectType.OBJECTIVE, row.id),
        *((SubjectType.KEY_RESULT, kr.id) for kr in row.key_results),
        *((SubjectType.CHECK_IN, i) for i in ids),
    ]
    return CheckInTalk(
        counts=queries.counts_for(person.workspace_id, subjects),
        reactions=queries.reactions_for(person.workspace_id, ids, person.pk),
        writable=writable,
        comments_url=reverse("comments"),
    )


@register.simple_tag(takes_context=True)
def check_in_bar(context: template.Context, talk: CheckInTalk | None, entry: Any) -> SafeString:
    """A check-in's reactions bar and its "N comments" toggle (built in Python: one per
    check-in on the objective page)."""
    if talk is None:
        return mark_safe("")
    pk = int(entry.id)
    reactions = reactions_html(
        pk,
        talk.reactions.get(pk, []),
        can_react=pk in talk.writable,
        csrf_token=str(context.get("csrf_token", "")),
        react_url=talk.react_url(pk),
    )
    count = talk.counts.get((SubjectType.CHECK_IN, pk), 0)
    loader = loader_html("check_in", pk, count, comments_url=talk.comments_url)
    return mark_safe(  # noqa: S308 - both parts are built escaped
        f'<div class="check-in-talk" id="check-in-{pk}">{reactions}{loader}</div>'
    )


@register.filter
def comment_html(body: str, names: Mapping[int, str] | None = None) -> SafeString:
    """A comment's body as HTML: `text.render` escapes every character it does not build."""
    return mark_safe(render(body, names or {}))  # noqa: S308 - render escapes the text
