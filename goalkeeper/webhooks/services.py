"""Webhook writes (subscriptions, pings, redeliveries) and the deliveries of events.

Services emit domain events (`goalkeeper.events`); `queue_deliveries`, subscribed when the
app starts, turns each into one Delivery per interested subscription inside the emitting
transaction, and hands them to the worker once it commits. A rolled-back write sends nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper import outbound
from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.audit.services import record
from goalkeeper.events import Event
from goalkeeper.webhooks.models import EVENTS, PING, Delivery, DeliveryStatus, Subscription

SUBSCRIPTION_FIELDS = ("url", "events", "description", "is_active")
_url_validator = URLValidator(schemes=["http", "https"])


# --- Subscriptions --------------------------------------------------------------------------


def _check(subscription: Subscription) -> None:
    errors: dict[str, str] = {}
    try:
        _url_validator(subscription.url)
    except ValidationError:
        errors["url"] = "enter an http:// or https:// URL"
    else:
        # Checked again at every attempt: what a name resolves to may change.
        problem = outbound.url_problem(subscription.url)
        if problem:
            errors["url"] = problem
    events = subscription.events
    if not isinstance(events, list) or not events:
        errors["events"] = "choose at least one event"
    elif unknown := sorted({str(e) for e in events} - set(EVENTS)):
        errors["events"] = "unknown events: " + ", ".join(unknown)
    if errors:
        raise ValidationError(errors)
    subscription.events = sorted(set(events))
    subscription.full_clean()


@transaction.atomic
def create_subscription(
    *,
    actor: Person | None,
    workspace: Workspace,
    url: str,
    events: Iterable[str],
    description: str = "",
) -> Subscription:
    """Subscribe `url` to `events`; a fresh secret signs what it receives."""
    subscription = Subscription(
        workspace=workspace,
        url=url.strip(),
        events=list(events),
        description=description.strip(),
        secret=secrets.token_urlsafe(32),
        created_by=actor,
    )
    _check(subscription)
    subscription.save()
    record(
        workspace=workspace,
        actor=actor,
        action="webhook.created",
        obj=subscription,
        changes={"url": [None, subscription.url], "events": [None, subscription.events]},
    )
    return subscription


@transaction.atomic
def update_subscription(
    *, actor: Person | None, subscription: Subscription, **changes: Any
) -> Subscription:
    """Change a subscription's URL, events, description or whether it is active."""
    before = {name: getattr(subscription, name) for name in SUBSCRIPTION_FIELDS}
    for name, value in changes.items():
        if name not in SUBSCRIPTION_FIELDS:
            raise ValidationError({name: gettext_noop("cannot be changed here")})
        setattr(subscription, name, value.strip() if isinstance(value, str) else value)
    _check(subscription)
    subscription.save()
    changed = {
        name: [before[name], getattr(subscription, name)]
        for name in SUBSCRIPTION_FIELDS
        if before[name] != getattr(subscription, name)
    }
    record(
        workspace=subscription.workspace,
        actor=actor,
        action="webhook.updated",
        obj=subscription,
        changes=changed,
    )
    return subscription


@transaction.atomic
def delete_subscription(*, actor: Person | None, subscription: Subscription) -> None:
    """Remove a subscription and its delivery log."""
    record(
        workspace=subscription.workspace,
        actor=actor,
        action="webhook.deleted",
        obj=subscription,
        changes={"url": [subscription.url, None]},
    )
    subscription.delete()


@transaction.atomic
def rotate_secret(*, actor: Person | None, subscription: Subscription) -> Subscription:
    """Give a subscription a new signing secret; the old one stops being used at once."""
    subscription.secret = secrets.token_urlsafe(32)
    subscription.save(update_fields=["secret"])
    record(
        workspace=subscription.workspace,
        actor=actor,
        action="webhook.secret_rotated",
        obj=subscription,
    )
    return subscription


@transaction.atomic
def send_ping(*, actor: Person | None, subscription: Subscription) -> Delivery:
    """Queue a `ping` delivery to one subscription, to check the receiver end to end."""
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=PING,
        payload={"message": "Hello from Goalkeeper", "webhook": subscription.pk},
        next_attempt_at=timezone.now(),
    )
    record(
        workspace=subscription.workspace,
        actor=actor,
        action="webhook.pinged",
        obj=subscription,
    )
    transaction.on_commit(partial(_enqueue, [delivery.pk]))
    return delivery


@transaction.atomic
def redeliver(*, actor: Person | None, delivery: Delivery) -> Delivery:
    """Try a delivery again from scratch (after a receiver was fixed)."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(
        workspace=delivery.subscription.workspace,
        actor=actor,
        action="webhook.redelivered",
        obj=delivery.subscription,
        changes={"delivery": [None, str(delivery.event_id)]},
    )
    transaction.on_commit(partial(_enqueue, [delivery.pk]))
    return delivery


# --- Deliveries of events ------------------------------------------------------------------


Shaper = Callable[[Event], dict[str, Any]]
# Turns an event's payload into the `data` deliveries carry; the API app sets the REST
# shapes (goalkeeper/webhooks/payloads.py) when it starts, so these services import no endpoint.
_shape: Shaper = lambda event: dict(event.payload)  # noqa: E731


def shape_payloads_with(shaper: Shaper) -> None:
    """Have every delivery queued from now on carry `shaper(event)` as its data."""
    global _shape
    _shape = shaper


def queue_deliveries(event: Event) -> list[Delivery]:
    """Write one Delivery per active subscription of the workspace that asked for `event`.

    Subscribed to `goalkeeper.events` when the app starts, so it runs inside the transaction
    of the write that emitted the event: the deliveries are rows of that transaction (an
    outbox), and the worker hears of them only after it commits.
    """
    if event.name not in EVENTS and event.name != PING:
        raise ValueError(f"unknown webhook event {event.name!r}")
    # Few subscriptions per workspace: filtering events in Python works on every database
    # (JSON `contains` is not available on SQLite).
    subscriptions = [
        subscription
        for subscription in Subscription.objects.filter(
            workspace_id=event.workspace_id, is_active=True
        )
        if subscription.wants(event.name)
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    data = _shape(event)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(subscription=s, event=event.name, payload=data, next_attempt_at=now)
            for s in subscriptions
        ]
    )
    transaction.on_commit(partial(_enqueue, [delivery.pk for delivery in deliveries]))
    return deliveries


def _enqueue(delivery_ids: list[int]) -> None:
    # Imported here: the tasks module imports the delivery code, which imports this one.
    from goalkeeper.webhooks.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        deliver_webhook(delivery_id)
