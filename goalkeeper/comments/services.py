"""Comment and reaction writes: one transaction each, with an audit entry and an event.

Events (docs/api.md, "Webhooks"): `comment.created`, `comment.updated`, `comment.deleted`
carry `{"comment": {...}}` with `mentions` (every person the text mentions) and
`new_mentions` (those it did not mention before: an edit that adds a name notifies only
that person); `reaction.added` carries `{"reaction": {...}}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper import events
from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.comments.models import BODY_MAX, Comment, Emoji, Reaction, SubjectType
from goalkeeper.comments.subjects import NOUNS, Subject, find_subject, may_comment
from goalkeeper.comments.text import mentioned_ids, plain
from goalkeeper.okrs.models import CheckIn

EDIT_WINDOW = dt.timedelta(minutes=15)
MENTIONS_MAX = 50


def _subject(actor: Person, subject_type: str, subject_id: int) -> Subject:
    if subject_type not in SubjectType.values:
        raise ValidationError(
            {"subject_type": gettext_noop("must be objective, key_result, check_in or kpi")}
        )
    subject = find_subject(actor.workspace_id, subject_type, subject_id)
    if subject is None:
        noun = NOUNS[SubjectType(subject_type)]
        raise ValidationError({"subject_id": f"no such {noun} in this workspace"})
    if not may_comment(actor, subject):
        raise PermissionDenied("viewers comment only on what they own")
    return subject


def _clean_body(actor: Person, body: str) -> tuple[str, list[int], dict[int, str]]:
    """The body to store, the people it mentions and their names; a refusal names what is
    wrong."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext_noop("write something")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": f"at most {BODY_MAX:,} characters (this one has {len(body):,})"}
        )
    ids = mentioned_ids(body)
    if len(ids) > MENTIONS_MAX:
        raise ValidationError({"body": f"mention at most {MENTIONS_MAX} people"})
    people = Person.objects.filter(pk__in=ids, workspace_id=actor.workspace_id).values_list(
        "id", "is_active", "name"
    )
    found = {pk: (active, name) for pk, active, name in people}
    problems = [
        f"@person:{i} is not a person in this workspace"
        if i not in found
        else f"@person:{i} is deactivated"
        for i in ids
        if not found.get(i, (False, ""))[0]
    ]
    if problems:
        raise ValidationError({"body": problems})
    return body, ids, {pk: name for pk, (_, name) in found.items()}


def comment_payload(
    comment: Comment,
    subject: Subject,
    mentions: list[int],
    new_mentions: list[int],
    names: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The comment as webhooks and notifications receive it: `body` as stored (mentions as
    tokens), `text` as people read it (mentions as `@Name`, for emails and chat)."""
    return {
        "comment": {
            "id": comment.pk,
            "subject_type": comment.subject_type,
            "subject_id": comment.subject_id,
            "author": comment.author_id,
            "body": comment.body,
            "text": plain(comment.body, names or {}),
            "url": subject.url,
            "mentions": mentions,
            "new_mentions": new_mentions,
            "created_at": comment.created_at.isoformat(),
        }
    }


@transaction.atomic
def add_comment(*, actor: Person, subject_type: str, subject_id: int, body: str) -> Comment:
    """Post a comment on a subject the actor may comment on; its mentions are parsed from
    the body and must be active people of the workspace."""
    subject = _subject(actor, subject_type, subject_id)
    text, ids, names = _clean_body(actor, body)
    comment = _write(actor, Comment(author=actor, author_name=actor.name), subject, text, ids)
    events.emit(
        actor.workspace_id,
        "comment.created",
        comment_payload(comment, subject, ids, ids, names),
    )
    return comment


@transaction.atomic
def import_comment(
    *,
    actor: Person,
    author: Person | None,
    subject_type: str,
    subject_id: int,
    body: str,
    at: dt.datetime,
) -> Comment:
    """A comment carried over from a document of the open format (docs/format.md): written
    by `author` (who may be deactivated, as people a document brings are) at `at`, and
    recorded in the audit trail by `actor`, the admin importing. It is history arriving,
    not news: no event is sent, so nobody is notified again of what was said back then.
    Its mentions must be people of the workspace, active or not."""
    if subject_type not in SubjectType.values:
        raise ValidationError(
            {"subject_type": gettext_noop("must be objective, key_result, check_in or kpi")}
        )
    subject = find_subject(actor.workspace_id, subject_type, subject_id)
    if subject is None:
        noun = NOUNS[SubjectType(subject_type)]
        raise ValidationError({"subject_id": f"no such {noun} in this workspace"})
    if author is not None and author.workspace_id != actor.workspace_id:
        raise ValidationError({"author": "not a person of this workspace"})
    text = body.strip()
    if not text:
        raise ValidationError({"body": gettext_noop("write something")})
    if len(text) > BODY_MAX:
        raise ValidationError(
            {"body": f"at most {BODY_MAX:,} characters (this one has {len(text):,})"}
        )
    ids = mentioned_ids(text)
    known = set(
        Person.objects.filter(pk__in=ids, workspace_id=actor.workspace_id).values_list(
            "id", flat=True
        )
    )
    unknown = [f"@person:{i} is not a person in this workspace" for i in ids if i not in known]
    if unknown:
        raise ValidationError({"body": unknown})
    comment = Comment(
        author=author,
        author_name=author.name if author is not None else "someone",
        created_at=at,
        updated_at=at,
    )
    return _write(
        actor,
        comment,
        subject,
        text,
        ids,
        author=[None, author.pk if author is not None else None],
        created_at=[None, at.isoformat()],
    )


def _write(
    actor: Person, comment: Comment, subject: Subject, text: str, ids: list[int], **changes: Any
) -> Comment:
    """Save `comment` (its author and times set) on `subject` with its mentions, and its
    audit entry by `actor` (with `changes` besides the subject, body and mentions)."""
    comment.workspace_id = actor.workspace_id
    comment.subject_type = subject.type
    comment.subject_id = subject.id
    comment.body = text
    comment.full_clean()
    comment.save()
    comment.mentions.set(ids)
    record(
        workspace=actor.workspace,
        actor=actor,
        action="comment.created",
        obj=comment,
        changes={
            "subject": [None, f"{subject.type}:{subject.id}"],
            "body": [None, text],
            "mentions": [[], ids],
            **changes,
        },
    )
    return comment


def editable_until(comment: Comment) -> dt.datetime:
    """The last moment its author may change the comment."""
    return comment.created_at + EDIT_WINDOW


def check_editable(actor: Person, comment: Comment) -> dt.datetime:
    """Refuse unless `actor` wrote the comment less than 15 minutes ago; answer the time."""
    if comment.author_id != actor.pk:
        raise PermissionDenied("only its author can edit a comment")
    now = timezone.now()
    if now > editable_until(comment):
        minutes = int((now - comment.created_at).total_seconds() // 60)
        raise PermissionDenied(
            "a comment can be edited for 15 minutes after it is posted; "
            f"this one was posted {minutes} minutes ago"
        )
    return now


@transaction.atomic
def edit_comment(*, actor: Person, comment: Comment, body: str) -> Comment:
    """Change a comment's text: its author only, within 15 minutes of posting it."""
    now = check_editable(actor, comment)
    subject = find_subject(comment.workspace_id, comment.subject_type, comment.subject_id)
    if subject is None:
        raise ValidationError(
            {"subject_id": gettext_noop("the comment's subject no longer exists")}
        )
    text, ids, names = _clean_body(actor, body)
    before_ids = sorted(comment.mentions.values_list("id", flat=True))
    before = comment.body
    comment.body = text
    comment.edited_at = now
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    comment.mentions.set(ids)
    new_ids = [i for i in ids if i not in set(before_ids)]
    changes: dict[str, Any] = {}
    if before != text:
        changes["body"] = [before, text]
    if sorted(ids) != before_ids:
        changes["mentions"] = [before_ids, ids]
    record(
        workspace=actor.workspace,
        actor=actor,
        action="comment.updated",
        obj=comment,
        changes=changes,
    )
    events.emit(
        actor.workspace_id,
        "comment.updated",
        comment_payload(comment, subject, ids, new_ids, names),
    )
    return comment


@transaction.atomic
def delete_comment(*, actor: Person, comment: Comment) -> None:
    """Remove a comment: its author or an admin. The audit trail keeps the text."""
    if comment.author_id != actor.pk and not actor.is_admin:
        raise PermissionDenied("only its author or an admin can delete a comment")
    subject = find_subject(comment.workspace_id, comment.subject_type, comment.subject_id)
    names = dict(comment.mentions.values_list("id", "name"))
    ids = sorted(names)
    record(
        workspace=actor.workspace,
        actor=actor,
        action="comment.deleted",
        obj=comment,
        changes={
            "subject": [f"{comment.subject_type}:{comment.subject_id}", None],
            "body": [comment.body, None],
            "author": [comment.author_name, None],
        },
    )
    if subject is not None:
        events.emit(
            actor.workspace_id, "comment.deleted", comment_payload(comment, subject, ids, [], names)
        )
    comment.delete()


@transaction.atomic
def toggle_reaction(*, actor: Person, check_in: CheckIn, emoji: str) -> bool:
    """Add the actor's emoji to a check-in, or take it back if it is there. True if added."""
    if emoji not in Emoji.values:
        raise ValidationError({"emoji": "must be one of " + ", ".join(Emoji.values)})
    subject = _subject(actor, SubjectType.CHECK_IN, check_in.pk)
    existing = Reaction.objects.filter(check_in=check_in, person=actor, emoji=emoji).first()
    if existing is not None:
        record(
            workspace=actor.workspace,
            actor=actor,
            action="reaction.removed",
            obj=existing,
            changes={"emoji": [emoji, None], "check_in": [check_in.pk, None]},
        )
        existing.delete()
        return False
    reaction = Reaction.objects.create(
        workspace_id=actor.workspace_id, check_in=check_in, person=actor, emoji=emoji
    )
    record(
        workspace=actor.workspace,
        actor=actor,
        action="reaction.added",
        obj=reaction,
        changes={"emoji": [None, emoji], "check_in": [None, check_in.pk]},
    )
    events.emit(
        actor.workspace_id,
        "reaction.added",
        {
            "reaction": {
                "id": reaction.pk,
                "check_in": check_in.pk,
                "key_result": subject.key_result_id,
                "check_in_author": check_in.author_id,
                "person": actor.pk,
                "emoji": emoji,
                "url": subject.url,
            }
        },
    )
    return True
