"""Background jobs of the notifications app, run by `goalkeeper worker`."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.notifications import delivery


@db_task()  # type: ignore[untyped-decorator]
def send_notification_emails(person_ids: list[int]) -> None:
    """Email these people's items that go out at once."""
    delivery.send_now(person_ids)


@db_task()  # type: ignore[untyped-decorator]
def post_notifications_to_chat(kind: str, created_at: str, person_ids: list[int]) -> None:
    """Post the items of one `notify` call to the personal chat channel of each person."""
    delivery.post_to_chat(kind, dt.datetime.fromisoformat(created_at), person_ids)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def send_batched_notification_emails() -> None:
    """One email per person gathering the items that waited for the batch."""
    delivery.send_batches()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def sweep_notification_emails() -> None:
    """Safety net: emails whose task was lost, claims whose worker died."""
    delivery.sweep()
