"""Every write of the notifications app: notify, clear, snooze, watch, choose, unsubscribe.

`notify` is how the rest of Goalkeeper reaches people: it writes the inbox items inside the
caller's transaction and hands emails (and chat) to the worker once that transaction
commits, so a rolled-back write notifies nobody (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.notifications.kinds import ALL, KINDS, Email, kind_named
from goalkeeper.notifications.models import (
    WATCHABLE,
    EmailState,
    Notification,
    Preference,
    Watch,
)
from goalkeeper.notifications.preferences import choices_for
from goalkeeper.notifications.subjects import Subject, SubjectInfo

_STATE_OF = {Email.IMMEDIATE: EmailState.PENDING, Email.BATCHED: EmailState.BATCHED}

# What a notification says: a text, or a function writing it in the active language, called
# once per language of the recipients (docs/languages.md).
Text = str | Callable[[], str]


def in_language(text: Text, language: str) -> str:
    """`text` as a reader of `language` ("" for English) reads it."""
    if isinstance(text, str):
        return text
    with translation.override(language or "en"):
        return str(text())


# One INSERT: atomic by itself, and no savepoint added to the caller's transaction.
def notify(
    *,
    workspace_id: int,
    people: Iterable[int],
    kind: str,
    title: Text,
    url: str,
    subject: Subject | None = None,
    body: Text = "",
    actor_id: int | None = None,
    key: str = "",
) -> int:
    """Put an item in each person's inbox; email them now or in a batch, by their choice.

    Skips the actor (nobody is told of their own doing), people who are deactivated or not
    in the workspace, and who already has an open item with the same `key`. Returns how
    many items were written. `title` and `body` given as functions are written in each
    recipient's language.
    """
    kind_named(kind)
    wanted = {int(p) for p in people} - {actor_id}
    if not wanted:
        return 0
    languages = dict(
        Person.objects.filter(
            pk__in=wanted, workspace_id=workspace_id, is_active=True, user__is_active=True
        ).values_list("pk", "user__language")
    )
    recipients = set(languages)
    if key:
        recipients -= set(
            Notification.objects.filter(
                person_id__in=recipients, kind=kind, key=key, done_at__isnull=True
            ).values_list("person_id", flat=True)
        )
    if not recipients:
        return 0
    choices = choices_for(recipients, kind)
    now = timezone.now()
    said = {
        language: (in_language(title, language), in_language(body, language))
        for language in {languages[p] or "" for p in recipients}
    }
    rows = [
        Notification(
            workspace_id=workspace_id,
            person_id=person_id,
            kind=kind,
            subject_type=subject[0] if subject else "",
            subject_id=subject[1] if subject else None,
            title=said[languages[person_id] or ""][0][:300],
            body=said[languages[person_id] or ""][1],
            url=url[:500],
            actor_id=actor_id,
            key=key[:200],
            created_at=now,
            email_state=_STATE_OF.get(choices[person_id].email, EmailState.NONE),
        )
        for person_id in sorted(recipients)
    ]
    # A racing writer's duplicate open key is skipped by the database (the partial unique
    # index), without a savepoint: a check-in's transaction stays a few statements long.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    pending = sorted({r.person_id for r in rows if r.email_state == EmailState.PENDING})
    chat = sorted(p for p in recipients if choices[p].chat)
    if pending or chat:
        transaction.on_commit(lambda: _hand_over(kind, now, pending, chat))
    return len(rows)


def _hand_over(
    kind: str, created_at: dt.datetime, email_people: list[int], chat_people: list[int]
) -> None:
    # The worker's module imports this one: import at call time, after the commit.
    from goalkeeper.notifications import tasks

    if email_people:
        tasks.send_notification_emails(email_people)
    if chat_people:
        tasks.post_notifications_to_chat(kind, created_at.isoformat(), chat_people)


# One UPDATE, atomic by itself.
def resolve(
    *,
    workspace_id: int,
    kind: str,
    subject: Subject,
    people: Iterable[int] | None = None,
) -> int:
    """Clear the open items of `kind` about `subject` (handled: the check-in was made...)."""
    items = Notification.objects.filter(
        workspace_id=workspace_id,
        kind=kind,
        subject_type=subject[0],
        subject_id=subject[1],
        done_at__isnull=True,
    )
    if people is not None:
        items = items.filter(person_id__in=list(people))
    return items.update(done_at=timezone.now())


# One UPDATE, atomic by itself.
def resolve_key(*, workspace_id: int, person_id: int, kind: str, key: str) -> int:
    """Clear a person's open item of `kind` with `key` (an item about no stored subject,
    such as an export being downloaded)."""
    return Notification.objects.filter(
        workspace_id=workspace_id, person_id=person_id, kind=kind, key=key, done_at__isnull=True
    ).update(done_at=timezone.now())


def resolve_subject(*, workspace_id: int, subject: Subject) -> int:
    """Clear every open item about a subject that is gone (deleted), whatever its kind."""
    return Notification.objects.filter(
        workspace_id=workspace_id,
        subject_type=subject[0],
        subject_id=subject[1],
        done_at__isnull=True,
    ).update(done_at=timezone.now())


@transaction.atomic
def mark_done(*, person: Person, ids: Iterable[int]) -> int:
    """Clear the person's own items (others' ids are ignored)."""
    return Notification.objects.filter(
        person=person, pk__in=list(ids), done_at__isnull=True
    ).update(done_at=timezone.now(), snoozed_until=None)


@transaction.atomic
def mark_all_done(*, person: Person, kind: str | None = None) -> int:
    """Clear every open item of the person (of one kind, if given)."""
    items = Notification.objects.filter(person=person, done_at__isnull=True)
    if kind:
        items = items.filter(kind=kind)
    return items.update(done_at=timezone.now(), snoozed_until=None)


@transaction.atomic
def reopen(*, person: Person, notification_id: int) -> int:
    """Put a cleared item back in the inbox (an "undo")."""
    try:
        # A savepoint: a refused UPDATE must not leave the caller's transaction broken.
        with transaction.atomic():
            return Notification.objects.filter(
                person=person, pk=notification_id, done_at__isnull=False
            ).update(done_at=None)
    except IntegrityError:
        # An open item with the same key arrived meanwhile: that one stands for both.
        return 0


@transaction.atomic
def snooze(*, person: Person, notification_id: int, until: dt.date) -> int:
    """Hide one of the person's open items until the morning of `until` (their workspace's)."""
    today = person.workspace.clock().today
    if until <= today:
        raise ValidationError({"until": gettext_noop("pick a date after today")})
    if until > today + dt.timedelta(days=366):
        raise ValidationError({"until": gettext_noop("pick a date within a year")})
    return Notification.objects.filter(
        person=person, pk=notification_id, done_at__isnull=True
    ).update(snoozed_until=until)


@transaction.atomic
def read(*, person: Person, notification: Notification) -> None:
    """The person opened the item: a heads-up (a mention, a check-in they watch) is handled."""
    if notification.person_id != person.pk or notification.done_at is not None:
        return
    if KINDS.get(notification.kind) is not None and KINDS[notification.kind].cleared_by_reading:
        Notification.objects.filter(pk=notification.pk, done_at__isnull=True).update(
            done_at=timezone.now()
        )


@transaction.atomic
def set_watching(*, person: Person, info: SubjectInfo, watching: bool) -> Watch:
    """Watch or stop watching an objective, key result or KPI of the person's workspace."""
    if info.subject[0] not in WATCHABLE:
        raise ValidationError({"subject_type": f"{info.subject[0]} cannot be watched"})
    if info.workspace_id != person.workspace_id:
        raise ValidationError({"subject_id": gettext_noop("no such item in this workspace")})
    watch, _ = Watch.objects.update_or_create(
        person=person,
        subject_type=info.subject[0],
        subject_id=info.subject[1],
        defaults={"watching": watching, "workspace_id": person.workspace_id},
    )
    return watch


@transaction.atomic
def set_preferences(
    *, person: Person, choices: dict[str, tuple[str, bool]], all_email: bool = True
) -> None:
    """Save the person's email and chat choice per kind, and the master email switch."""
    errors: dict[str, str] = {}
    for kind, (email, _chat) in choices.items():
        if kind not in KINDS:
            errors[kind] = gettext_noop("unknown notification kind")
        elif email not in {e.value for e in Email}:
            errors[kind] = f"email must be one of {', '.join(e.value for e in Email)}"
        elif KINDS[kind].weekly and email == Email.BATCHED:
            errors[kind] = gettext_noop("a weekly email is sent or not: choose immediate or off")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    before = dict(Preference.objects.filter(person=person).values_list("kind", "email"))
    for kind, (email, chat) in choices.items():
        Preference.objects.update_or_create(
            person=person, kind=kind, defaults={"email": email, "chat": chat, "updated_at": now}
        )
    master = Email.IMMEDIATE if all_email else Email.OFF
    Preference.objects.update_or_create(
        person=person, kind=ALL, defaults={"email": master, "chat": False, "updated_at": now}
    )
    changed = {
        kind: [before.get(kind), email]
        for kind, (email, _chat) in choices.items()
        if before.get(kind) != email
    }
    if before.get(ALL, Email.IMMEDIATE.value) != master.value:
        changed[ALL] = [before.get(ALL, Email.IMMEDIATE.value), master.value]
    if changed:
        record(
            workspace=person.workspace,
            actor=person,
            action="notifications.preferences_changed",
            obj=person,
            changes=changed,
        )


@transaction.atomic
def unsubscribe(*, person: Person, kind: str) -> None:
    """Stop one kind of email (or every email, kind "all") from an email's link."""
    if kind != ALL:
        kind_named(kind)
    current = Preference.objects.filter(person=person, kind=kind).first()
    before = (
        current.email
        if current
        else (Email.IMMEDIATE.value if kind == ALL else KINDS[kind].email.value)
    )
    Preference.objects.update_or_create(
        person=person,
        kind=kind,
        defaults={"email": Email.OFF, "updated_at": timezone.now()},
    )
    if before != Email.OFF:
        record(
            workspace=person.workspace,
            actor=person,
            action="notifications.unsubscribed",
            obj=person,
            changes={kind: [before, Email.OFF.value]},
        )
