"""REST endpoints for comments and check-in reactions (docs/api.md, "Comments")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import CREATE, DELETE, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import MAX_QUERY, SORT_HELP, AnyOf, Id, Input, Page, SyncParams
from goalkeeper.comments import queries, services
from goalkeeper.comments.access import (
    access_check_in_for_reaction,
    access_comment_by_id,
    access_subject,
)
from goalkeeper.comments.models import BODY_MAX, Comment, Emoji, Reaction

router = Router(tags=["comments"])

SubjectTypeName = Literal["objective", "key_result", "check_in", "kpi"]
EmojiName = Literal["thumbs_up", "tada", "eyes", "pray", "heart", "rocket"]
assert set(EmojiName.__args__) == set(Emoji.values), "EmojiName must list every emoji"  # type: ignore[attr-defined]
Body = Annotated[str, StringConstraints(min_length=1, max_length=BODY_MAX)]


class CommentOut(Schema):
    id: int
    subject_type: SubjectTypeName
    subject_id: int
    author: int | None = Field(description="the author's person id; null once they are gone")
    author_name: str
    body: str = Field(description="plain text; a mention is written `@[Name](person:ID)`")
    mentions: list[int] = Field(description="ids of the people the body mentions")
    created_at: dt.datetime
    updated_at: dt.datetime
    edited_at: dt.datetime | None
    editable_until: dt.datetime = Field(description="the author may edit it until then")


class CommentPage(Page):
    items: list[CommentOut]


class CommentFilters(SyncParams):
    subject_type: SubjectTypeName
    subject_id: Id
    author: AnyOf[Id] = None
    q: str | None = Field(None, max_length=MAX_QUERY, description="words of the body")
    sort: Literal["id", "-id", "updated_at", "-updated_at"] = Field(
        "id", description=SORT_HELP + "; `id` is oldest first"
    )


class CommentIn(Input):
    subject_type: SubjectTypeName
    subject_id: Id
    body: Body = Field(description="plain text; mention with `@[Name](person:ID)`")


class CommentUpdate(Input):
    body: Body


class ReactionIn(Input):
    emoji: EmojiName


class ReactionCountOut(Schema):
    emoji: EmojiName
    count: int
    mine: bool = Field(description="whether the caller reacted with this emoji")


class ReactionOut(Schema):
    id: int
    check_in: int
    person: int = Field(description="who reacted")
    emoji: EmojiName
    created_at: dt.datetime


class ReactionsOut(Schema):
    check_in: int
    added: bool = Field(description="true if the reaction was added, false if taken back")
    reaction: ReactionOut | None = Field(
        None, description="the reaction added; null when it was taken back"
    )
    reactions: list[ReactionCountOut]


def comment_out(comment: Comment, mentions: list[int]) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        subject_type=comment.subject_type,  # type: ignore[arg-type]
        subject_id=comment.subject_id,
        author=comment.author_id,
        author_name=comment.author_name,
        body=comment.body,
        mentions=mentions,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        edited_at=comment.edited_at,
        editable_until=services.editable_until(comment),
    )


def reaction_out(reaction: Reaction) -> ReactionOut:
    return ReactionOut(
        id=reaction.pk,
        check_in=reaction.check_in_id,
        person=reaction.person_id,
        emoji=reaction.emoji,  # type: ignore[arg-type]
        created_at=reaction.created_at,
    )


def _mentions(comment: Comment) -> list[int]:
    return sorted(comment.mentions.values_list("id", flat=True))


@router.get("/comments", response=responses({200: CommentPage}, READ_ONE))
def list_comments(request: HttpRequest, params: Query[CommentFilters]) -> CommentPage:
    """A subject's comments, oldest first."""
    subject = access_subject(caller(request), params.subject_type, params.subject_id)
    comments = Comment.objects.filter(
        workspace_id=subject.workspace_id,
        subject_type=subject.type,
        subject_id=subject.id,
    ).prefetch_related("mentions")
    if params.author is not None:
        comments = comments.filter(author_id__in=params.author)
    if params.q:
        comments = comments.filter(body__icontains=params.q)
    found = listing(request, comments, params, sort=params.sort, keys={"updated_at": "updated_at"})
    return CommentPage(
        count=found.count,
        next=found.next,
        items=[comment_out(c, sorted(p.pk for p in c.mentions.all())) for c in found.items],
    )


@router.get("/comments/{id}", response=responses({200: CommentOut}, READ_ONE))
def get_comment(request: HttpRequest, id: Id) -> CommentOut:
    """One comment, as the lists show it."""
    comment = access_comment_by_id(caller(request), id)
    return comment_out(comment, _mentions(comment))


@router.post("/comments", response=responses({201: CommentOut}, CREATE))
def create_comment(request: HttpRequest, payload: CommentIn) -> Status[CommentOut]:
    """Comment on an objective, key result, check-in or KPI (editors and admins; viewers on
    what they own). Mentions are read from the body."""
    comment = services.add_comment(
        actor=caller(request),
        subject_type=payload.subject_type,
        subject_id=payload.subject_id,
        body=payload.body,
    )
    return Status(201, comment_out(comment, _mentions(comment)))


@router.patch("/comments/{id}", response=responses({200: CommentOut}, UPDATE))
def update_comment(request: HttpRequest, id: Id, payload: CommentUpdate) -> CommentOut:
    """Change a comment's text: its author, within 15 minutes of posting it."""
    person = caller(request)
    comment = services.edit_comment(
        actor=person, comment=access_comment_by_id(person, id), body=payload.body
    )
    return comment_out(comment, _mentions(comment))


@router.delete("/comments/{id}", response=responses({204: None}, DELETE))
def delete_comment(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a comment: its author or an admin."""
    person = caller(request)
    services.delete_comment(actor=person, comment=access_comment_by_id(person, id))
    return Status(204, None)


@router.post(
    "/check-ins/{id}/reactions",
    response=responses({200: ReactionsOut}, CREATE),
    tags=["check-ins"],
)
def toggle_reaction(request: HttpRequest, id: Id, payload: ReactionIn) -> ReactionsOut:
    """Add the caller's reaction to a check-in, or take it back when it is there."""
    person = caller(request)
    check_in = access_check_in_for_reaction(person, id)
    added = services.toggle_reaction(actor=person, check_in=check_in, emoji=payload.emoji)
    counts = queries.reactions_for(person.workspace_id, [id], person.pk).get(id, [])
    reaction = (
        Reaction.objects.filter(check_in_id=id, person=person, emoji=payload.emoji).first()
        if added
        else None
    )
    return ReactionsOut(
        check_in=id,
        added=added,
        reaction=reaction_out(reaction) if reaction is not None else None,
        reactions=[
            ReactionCountOut(emoji=r.emoji, count=r.count, mine=r.mine)  # type: ignore[arg-type]
            for r in counts
        ],
    )
