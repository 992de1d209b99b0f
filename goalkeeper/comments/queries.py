"""Reads for threads, comment counts and reactions: a fixed number of queries each,
whatever the number of subjects on a page or comments in a thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from goalkeeper.accounts.models import Person
from goalkeeper.comments.models import Comment, Emoji, Reaction
from goalkeeper.comments.services import EDIT_WINDOW
from goalkeeper.comments.subjects import Subject, anchor, may_comment
from goalkeeper.comments.text import mentioned_ids, render

PAGE = 50

SubjectKey = tuple[str, int]


@dataclass(frozen=True)
class ThreadItem:
    """One comment as a thread shows it."""

    id: int
    author_id: int | None
    author_name: str
    author_initials: str
    html: SafeString
    created_at: dt.datetime
    edited_at: dt.datetime | None
    can_edit: bool
    can_delete: bool


@dataclass(frozen=True)
class Thread:
    """A page of a subject's comments, oldest first, newest last."""

    subject: Subject
    anchor: str
    items: tuple[ThreadItem, ...]
    # The id to ask for earlier comments with (`?before=`), None when all are shown.
    earlier: int | None
    can_comment: bool


@dataclass(frozen=True)
class ReactionCount:
    """How many people reacted with one emoji on a check-in, and whether the viewer did."""

    emoji: str
    symbol: str
    count: int
    mine: bool


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def current_names(bodies: Iterable[str], workspace_id: int) -> dict[int, str]:
    """The current names of the people the bodies mention (one query, none if nobody)."""
    ids = {i for body in bodies for i in mentioned_ids(body)}
    if not ids:
        return {}
    return dict(
        Person.objects.filter(pk__in=ids, workspace_id=workspace_id).values_list("id", "name")
    )


def thread(viewer: Person, subject: Subject, *, before: int | None = None) -> Thread:
    """The newest page of the subject's comments (or the page before comment `before`).

    Two queries: the page (one row more than shown tells whether there are earlier ones)
    and the names of the people it mentions (none when nobody is mentioned).
    """
    comments = Comment.objects.filter(
        workspace_id=subject.workspace_id, subject_type=subject.type, subject_id=subject.id
    )
    page_query = comments
    if before is not None:
        page_query = page_query.filter(pk__lt=before)
    rows = list(
        page_query.order_by("-id").values(
            "id", "author_id", "author_name", "body", "created_at", "edited_at"
        )[: PAGE + 1]
    )
    earlier = rows[PAGE - 1]["id"] if len(rows) > PAGE else None
    rows = rows[:PAGE][::-1]
    names = current_names((r["body"] for r in rows), subject.workspace_id)
    items = tuple(_item(viewer, r, names, timezone.now()) for r in rows)
    return Thread(
        subject=subject,
        anchor=anchor(subject.type, subject.id),
        items=items,
        earlier=earlier,
        can_comment=may_comment(viewer, subject),
    )


def _item(
    viewer: Person, row: Mapping[str, Any], names: dict[int, str], now: dt.datetime
) -> ThreadItem:
    return ThreadItem(
        id=row["id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        author_initials=_initials(row["author_name"]),
        # `render` escapes every character of the text it does not build itself.
        html=mark_safe(render(row["body"], names)),  # noqa: S308
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        can_edit=row["author_id"] == viewer.pk and now <= row["created_at"] + EDIT_WINDOW,
        can_delete=row["author_id"] == viewer.pk or viewer.is_admin,
    )


def item_of(viewer: Person, comment: Comment, names: dict[int, str]) -> ThreadItem:
    """One comment as a thread shows it to `viewer`."""
    row = {
        "id": comment.pk,
        "author_id": comment.author_id,
        "author_name": comment.author_name,
        "body": comment.body,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }
    return _item(viewer, row, names, timezone.now())


def counts_for(workspace_id: int, subjects: Iterable[SubjectKey]) -> dict[SubjectKey, int]:
    """How many comments each subject has (one query; subjects without any are left out)."""
    by_type: dict[str, set[int]] = {}
    for subject_type, subject_id in subjects:
        by_type.setdefault(subject_type, set()).add(subject_id)
    if not by_type:
        return {}
    condition = Q()
    for subject_type, ids in sorted(by_type.items()):
        condition |= Q(subject_type=subject_type, subject_id__in=sorted(ids))
    rows = (
        Comment.objects.filter(condition, workspace_id=workspace_id)
        .values("subject_type", "subject_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["subject_type"], r["subject_id"]): r["n"] for r in rows}


def reactions_for(
    workspace_id: int, check_in_ids: Iterable[int], viewer_id: int | None
) -> dict[int, list[ReactionCount]]:
    """Each check-in's reactions, counted by emoji in the fixed order (one query)."""
    ids = sorted(set(check_in_ids))
    if not ids:
        return {}
    counts: dict[int, dict[str, list[int]]] = {}
    rows = Reaction.objects.filter(workspace_id=workspace_id, check_in_id__in=ids).values_list(
        "check_in_id", "emoji", "person_id"
    )
    for check_in_id, emoji, person_id in rows:
        counts.setdefault(check_in_id, {}).setdefault(emoji, []).append(person_id)
    symbols = dict(Emoji.choices)
    return {
        check_in_id: [
            ReactionCount(
                emoji=emoji,
                symbol=symbols[emoji],
                count=len(by_emoji[emoji]),
                mine=viewer_id in by_emoji[emoji],
            )
            for emoji in Emoji.values
            if emoji in by_emoji
        ]
        for check_in_id, by_emoji in counts.items()
    }
