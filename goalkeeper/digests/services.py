"""Writes of the weekly rhythm: the schedule, and the ledger's claims (docs/digests.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.channels.services import Said, post_to_scope
from goalkeeper.digests.models import (
    DigestPost,
    DigestRound,
    DigestSchedule,
    DigestSend,
    SendStatus,
)

SCHEDULE_FIELDS = (
    "reminder_enabled",
    "reminder_weekday",
    "reminder_time",
    "digest_weekday",
    "digest_time",
    "personal_enabled",
    "team_enabled",
    "company_enabled",
)
# An error longer than this is cut: the ledger keeps the gist, the log keeps the rest.
ERROR_MAX = 2000


@transaction.atomic
def update_schedule(*, actor: Person, workspace: Workspace, **changes: Any) -> DigestSchedule:
    """Change when the workspace's reminder and digests fall due, and which are sent."""
    schedule = DigestSchedule.objects.select_for_update().filter(
        workspace=workspace
    ).first() or DigestSchedule(workspace=workspace)
    before = snapshot(schedule, SCHEDULE_FIELDS)
    for name, value in changes.items():
        if name not in SCHEDULE_FIELDS:
            raise ValidationError({name: gettext_noop("cannot be changed here")})
        setattr(schedule, name, value)
    schedule.full_clean(exclude=["workspace"])
    schedule.updated_at = timezone.now()
    schedule.save()
    changed = diff(before, schedule)
    if changed:
        record(
            workspace=workspace,
            actor=actor,
            action="digests.schedule_changed",
            obj=schedule,
            changes=changed,
        )
    return schedule


def claim(
    *,
    workspace_id: int,
    person_id: int,
    kind: str,
    week: dt.date,
    team_id: int | None = None,
    now: dt.datetime | None = None,
) -> int | None:
    """Claim one send: its ledger row's id when this caller is to send it, else None.

    The INSERT is the claim: the unique constraints let one insert through, whatever the
    number of workers, and the others get an IntegrityError (PostgreSQL makes them wait for
    the first transaction, then refuses). A send recorded as failed is claimed again by a
    conditional UPDATE, which one caller wins. A row left "sending" by a worker that died is
    not taken again: nobody knows whether its message went out, and twice is worse than
    once missed.
    """
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            row = DigestSend.objects.create(
                workspace_id=workspace_id,
                person_id=person_id,
                kind=kind,
                week=week,
                team_id=team_id,
                status=SendStatus.SENDING,
                claimed_at=moment,
            )
        return row.pk
    except IntegrityError:
        pass
    same = DigestSend.objects.filter(person_id=person_id, kind=kind, week=week)
    existing = (
        (same.filter(team_id=team_id) if team_id is not None else same.filter(team__isnull=True))
        .values("pk", "status", "attempts")
        .first()
    )
    if existing is None or existing["status"] != SendStatus.FAILED:
        return None
    taken = DigestSend.objects.filter(
        pk=existing["pk"], status=SendStatus.FAILED, attempts=existing["attempts"]
    ).update(status=SendStatus.SENDING, claimed_at=moment, attempts=F("attempts") + 1, error="")
    return int(existing["pk"]) if taken else None


def mark_sent(send_id: int, now: dt.datetime | None = None) -> None:
    """Record that the claimed message went out."""
    DigestSend.objects.filter(pk=send_id).update(
        status=SendStatus.SENT, sent_at=now or timezone.now(), error=""
    )


def mark_failed(send_id: int, error: str) -> None:
    """Record that the attempt failed: nothing went out, the next run tries again."""
    DigestSend.objects.filter(pk=send_id).update(status=SendStatus.FAILED, error=error[:ERROR_MAX])


def finish_round(
    *, workspace_id: int, kind: str, week: dt.date, sent: int, skipped: int, now: dt.datetime
) -> None:
    """Record that every message of a round is claimed (the first finisher's counts stay)."""
    with transaction.atomic():
        DigestRound.objects.bulk_create(
            [
                DigestRound(
                    workspace_id=workspace_id,
                    kind=kind,
                    week=week,
                    finished_at=now,
                    sent=sent,
                    skipped=skipped,
                )
            ],
            ignore_conflicts=True,
        )


def post_digest(
    *, workspace_id: int, kind: str, week: dt.date, team_id: int | None, message: Said
) -> int | None:
    """Post a team digest to the team's channels (the company digest to the workspace's)
    once a week: the channels it was queued to, or None when another run had posted it.
    A `message` given as a function is written in each channel's language."""
    try:
        with transaction.atomic():
            row = DigestPost.objects.create(
                workspace_id=workspace_id, kind=kind, week=week, team_id=team_id
            )
            queued = post_to_scope(
                workspace_id=workspace_id, message=message, purpose="digest", team_id=team_id
            )
            DigestPost.objects.filter(pk=row.pk).update(channels=queued)
    except IntegrityError:
        return None
    return queued
