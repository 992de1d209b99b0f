"""Webhook writes and events.

`emit(workspace, event, payload)` is the one way an event leaves Goalkeeper: inside the
caller's transaction it writes one Delivery per interested subscription, and only once that
transaction commits does it hand them to the worker. A rolled-back write sends nothing.

The `*_event` and `*_changed` helpers below build the payload and call `emit`. Each sends a
given event with a given payload at most once per object instance and transaction, so the
same line may sit both in a service and in the API endpoint that calls it without the
receiver hearing twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.api.figures import clock_for, key_result_figures, kpi_health_now
from goalkeeper.audit.services import record
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.webhooks import payloads
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
            raise ValidationError({name: "cannot be changed here"})
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


# --- Emitting -------------------------------------------------------------------------------


def emit(workspace: Workspace | int, event: str, payload: dict[str, Any]) -> list[Delivery]:
    """Queue `event` for every active subscription of the workspace that asked for it.

    Call it inside the transaction of the write it reports: the deliveries are rows of that
    transaction, and the worker hears of them only after it commits.
    """
    if event not in EVENTS and event != PING:
        raise ValueError(f"unknown webhook event {event!r}")
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    # Few subscriptions per workspace: filtering events in Python works on every database
    # (JSON `contains` is not available on SQLite).
    subscriptions = [
        subscription
        for subscription in Subscription.objects.filter(workspace_id=workspace_id, is_active=True)
        if subscription.wants(event)
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(subscription=s, event=event, payload=payload, next_attempt_at=now)
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


_SENT_ATTR = "_goalkeeper_webhooks_sent"


def _first_time(instance: models.Model, event: str, payload: dict[str, Any]) -> bool:
    """True the first time this instance reports this event with this payload in a transaction."""
    key = (event, repr(sorted(payload.items())))
    sent: set[tuple[str, str]] = instance.__dict__.setdefault(_SENT_ATTR, set())
    if key in sent:
        return False
    sent.add(key)
    transaction.on_commit(partial(sent.discard, key))
    return True


def _send(instance: models.Model, workspace_id: int, event: str, payload: dict[str, Any]) -> None:
    if _first_time(instance, event, payload):
        emit(workspace_id, event, payload)


def objective_event(event: str, objective: Objective) -> None:
    """`objective.created|updated|closed|deleted` (call before deleting the row)."""
    _send(objective, objective.workspace_id, event, {"objective": payloads.objective(objective)})


def key_result_event(event: str, key_result: KeyResult) -> None:
    """`key_result.created|updated|deleted` (call before deleting the row)."""
    _send(
        key_result,
        key_result.workspace_id,
        event,
        {"key_result": payloads.key_result(key_result)},
    )


def check_in_created(check_in: CheckIn, key_result: KeyResult) -> None:
    """`check_in.created`, with the key result as the check-in left it."""
    payload = {
        "check_in": payloads.check_in(check_in),
        "key_result": payloads.key_result(key_result),
    }
    _send(check_in, key_result.workspace_id, "check_in.created", payload)


def kpi_event(event: str, kpi: Kpi, **extra: Any) -> None:
    """`kpi.created|updated|deleted|measurements_recorded`; `extra` joins the payload."""
    _send(kpi, kpi.workspace_id, event, {"kpi": payloads.kpi(kpi), **extra})


def key_result_status(key_result: KeyResult) -> str:
    """The key result's pace status now; take it before a write to compare after."""
    cycle = key_result.objective.cycle
    return str(key_result_figures(key_result, cycle, clock_for(key_result.workspace)).status)


def key_result_status_changed(key_result: KeyResult, before: str) -> None:
    """`key_result.status_changed` when the status differs from `before`."""
    after = key_result_status(key_result)
    if after != before:
        payload = {
            "key_result": payloads.key_result(key_result),
            "before": before,
            "after": after,
        }
        _send(key_result, key_result.workspace_id, "key_result.status_changed", payload)


def kpi_health(kpi: Kpi) -> str:
    """The KPI's health as stored now (one query); take it before a write to compare after."""
    return str(kpi_health_now(kpi, clock_for(kpi.workspace)))


def kpi_health_changed(kpi: Kpi, before: str) -> None:
    """`kpi.health_changed` when the health differs from `before`."""
    after = kpi_health(kpi)
    if after != before:
        payload = {"kpi": payloads.kpi(kpi), "before": before, "after": after}
        _send(kpi, kpi.workspace_id, "kpi.health_changed", payload)
