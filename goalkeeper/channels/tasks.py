"""Background jobs of the chat channels, run by `goalkeeper worker`."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.channels import delivery as sending
from goalkeeper.channels.models import DeliveryStatus


@db_task()  # type: ignore[untyped-decorator]
def deliver_chat(delivery_id: int) -> None:
    """Make one attempt at a delivery; on failure, schedule the next one after its backoff."""
    delivery = sending.attempt(delivery_id)
    if (
        delivery is not None
        and delivery.status == DeliveryStatus.PENDING
        and delivery.next_attempt_at is not None
    ):
        delay = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0.0)
        deliver_chat.schedule(args=(delivery_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def retry_due_chat() -> None:
    """Safety net: send deliveries that are due but whose queued task was lost."""
    for delivery_id in sending.due_ids(timezone.now()):
        deliver_chat(delivery_id)
