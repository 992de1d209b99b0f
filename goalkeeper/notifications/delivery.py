"""Emailing notifications: one email per item now, or the batch of a person's items.

Each send first claims its rows with a conditional UPDATE, so two workers (or a task and
the safety net) never send the same item twice; a failed send marks the rows "failed"
and is logged, without retrying into a flood (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import ngettext

from goalkeeper.accounts.models import Person
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.services import post_to_scope
from goalkeeper.notifications.kinds import KINDS
from goalkeeper.notifications.mail import build_email
from goalkeeper.notifications.models import EmailState, Notification
from goalkeeper.notifications.preferences import choices_for
from goalkeeper.notifications.tokens import absolute

log = logging.getLogger(__name__)

# A claim older than this was lost with its worker: the safety net may take the rows again.
LEASE = dt.timedelta(minutes=10)
# Items wait this long in the batch: at most one batched email an hour per person.
BATCH_EVERY = dt.timedelta(hours=1)
BATCH_LIMIT = 50


def _claim(rows: Q, now: dt.datetime) -> list[Notification]:
    """Take rows for one send; the claim's random id tells this sender's rows apart."""
    claim = uuid.uuid4()
    taken = Notification.objects.filter(rows).update(
        email_state=EmailState.SENDING, emailed_at=now, claim=claim
    )
    if not taken:
        return []
    return list(
        Notification.objects.filter(claim=claim)
        .select_related("person__user", "person__workspace", "actor")
        .order_by("created_at", "id")
    )


def _send(person: Person, items: list[Notification]) -> bool:
    if not person.is_active or not person.user.is_active or not person.user.email:
        return False
    # Written for the recipient: in their language, whoever's request or worker sends it.
    with translation.override(person.user.language or "en"):
        return _send_in_language(person, items)


def _send_in_language(person: Person, items: list[Notification]) -> bool:
    if len(items) == 1:
        item = items[0]
        kind = item.kind
        subject_line = item.title
    else:
        kind = items[0].kind if len({i.kind for i in items}) == 1 else "all"
        subject_line = ngettext(
            "%(count)s update in Goalkeeper", "%(count)s updates in Goalkeeper", len(items)
        ) % {"count": len(items)}
    context = {
        "items": [{"item": i, "url": absolute(i.url), "kind": KINDS.get(i.kind)} for i in items],
        "inbox_url": absolute("/inbox/"),
        "workspace": person.workspace,
    }
    message = build_email(
        person=person,
        kind=kind,
        subject_line=subject_line,
        html_template="notifications/email/notifications.html",
        text_template="notifications/email/notifications.txt",
        context=context,
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.exception("could not email %d notification(s) to person %d", len(items), person.pk)
        return False
    return True


def _finish(items: list[Notification], sent: bool) -> None:
    Notification.objects.filter(pk__in=[i.pk for i in items]).update(
        email_state=EmailState.SENT if sent else EmailState.FAILED,
        emailed_at=timezone.now(),
    )


def send_now(person_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Email each person's items waiting to go now, one email per item; returns how many."""
    now = now or timezone.now()
    sent = 0
    for person_id in sorted(set(person_ids)):
        items = _claim(Q(person_id=person_id, email_state=EmailState.PENDING), now)
        for item in items:
            ok = _send(item.person, [item])
            _finish([item], ok)
            sent += ok
    return sent


def send_batches(*, now: dt.datetime | None = None) -> int:
    """Email every person whose batched items have waited an hour: one email per person."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(
            email_state=EmailState.BATCHED, created_at__lte=now - BATCH_EVERY
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    sent = 0
    for person_id in list(due):
        items = _claim(Q(person_id=person_id, email_state=EmailState.BATCHED), now)
        if not items:
            continue
        # Items cleared meanwhile need no email; the batch keeps the newest ones.
        open_items = [i for i in items if i.done_at is None][-BATCH_LIMIT:]
        ok = _send(items[0].person, open_items) if open_items else False
        _finish(items, ok or not open_items)
        sent += ok
    return sent


def sweep(*, now: dt.datetime | None = None) -> int:
    """Safety net: send items whose task was lost, and free claims whose worker died."""
    now = now or timezone.now()
    Notification.objects.filter(email_state=EmailState.SENDING, emailed_at__lt=now - LEASE).update(
        email_state=EmailState.PENDING
    )
    stuck = (
        Notification.objects.filter(
            email_state=EmailState.PENDING, created_at__lte=now - dt.timedelta(minutes=2)
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    return send_now(list(stuck), now=now)


def post_to_chat(kind: str, created_at: dt.datetime, person_ids: Iterable[int]) -> int:
    """Post the items of one `notify` call to each person's own chat channels, when they
    chose chat for the kind (docs/chat.md). Items already handled are not posted.

    Returns how many chat deliveries were queued.
    """
    people = set(person_ids)
    wanted = {p for p, choice in choices_for(people, kind).items() if choice.chat}
    items = (
        Notification.objects.filter(
            kind=kind, created_at=created_at, person_id__in=wanted, done_at__isnull=True
        )
        .only("pk", "workspace_id", "person_id", "kind", "title", "body", "url")
        .order_by("pk")
    )
    posted = 0
    for item in items:
        posted += post_to_scope(
            workspace_id=item.workspace_id,
            person_id=item.person_id,
            purpose="notification",
            message=ChatMessage(title=item.title, text=item.body, url=absolute(item.url)),
        )
    return posted
