"""REST endpoints for webhook subscriptions and their delivery log (admins only)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from goalkeeper.accounts.access import require_admin
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    SORT_HELP,
    AnyOf,
    Flag,
    Id,
    Input,
    Label,
    Page,
    Patch,
    SyncParams,
    Url,
)
from goalkeeper.webhooks import services
from goalkeeper.webhooks.access import access_subscription_by_id
from goalkeeper.webhooks.models import EVENTS, Delivery, Subscription

router = Router(tags=["webhooks"])

EventName = Literal[
    "check_in.created",
    "key_result.created",
    "key_result.updated",
    "key_result.deleted",
    "key_result.status_changed",
    "objective.created",
    "objective.updated",
    "objective.closed",
    "objective.deleted",
    "objective.review_requested",
    "objective.review_returned",
    "kpi.created",
    "kpi.updated",
    "kpi.deleted",
    "kpi.measurements_recorded",
    "kpi.health_changed",
    "kpi.signal",
    "kpi.baseline_set",
    "comment.created",
    "comment.updated",
    "comment.deleted",
    "reaction.added",
    "source.broken",
    "source.recovered",
]
assert set(EventName.__args__) == set(EVENTS), "EventName must list every event"  # type: ignore[attr-defined]
DeliveryStatusName = Literal["pending", "succeeded", "failed"]


class SubscriptionOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    secret: str = Field(description="HMAC-SHA256 key of the X-Goalkeeper-Signature header")
    created_at: dt.datetime
    updated_at: dt.datetime


class SubscriptionPage(Page):
    items: list[SubscriptionOut]


class SubscriptionFilters(SyncParams):
    active: bool | None = None
    sort: Literal["id", "-id", "created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        "id", description=SORT_HELP
    )


class DeliveryFilters(SyncParams):
    status: AnyOf[DeliveryStatusName] = None
    event: AnyOf[str] = Field(None, description="only these events (several: commas)")


class SubscriptionIn(Input):
    url: Url = Field(description="http:// or https:// URL that receives POSTs")
    events: list[EventName] = Field(min_length=1, max_length=len(EVENTS))
    description: Label = ""


class SubscriptionUpdate(Input):
    url: Patch[Url] = Field(None)
    events: Patch[Annotated[list[EventName], Field(min_length=1, max_length=len(EVENTS))]] = Field(
        None
    )
    description: Patch[Label] = Field(None)
    active: Patch[Flag] = Field(None)


class DeliveryOut(Schema):
    id: int
    event_id: uuid.UUID
    event: str
    status: DeliveryStatusName
    attempts: int
    last_status_code: int | None
    last_error: str
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime


class DeliveryPage(Page):
    items: list[DeliveryOut]


def subscription_out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=subscription.pk,
        url=subscription.url,
        description=subscription.description,
        events=list(subscription.events),
        active=subscription.is_active,
        secret=subscription.secret,
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
    )


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        event_id=delivery.event_id,
        event=delivery.event,
        status=delivery.status,  # type: ignore[arg-type]
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        last_attempt_at=delivery.last_attempt_at,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


@router.get("/webhooks", response=responses({200: SubscriptionPage}, (*READ_MANY, 403)))
def list_webhooks(request: HttpRequest, params: Query[SubscriptionFilters]) -> SubscriptionPage:
    """The workspace's webhook subscriptions (admins)."""
    person = caller(request)
    require_admin(person)
    subscriptions = Subscription.objects.filter(workspace_id=person.workspace_id)
    if params.active is not None:
        subscriptions = subscriptions.filter(is_active=params.active)
    found = listing(
        request,
        subscriptions,
        params,
        sort=params.sort,
        keys={"created_at": "created_at", "updated_at": "updated_at"},
    )
    return SubscriptionPage(
        count=found.count, next=found.next, items=[subscription_out(s) for s in found.items]
    )


@router.get("/webhooks/{id}", response=responses({200: SubscriptionOut}, (*READ_ONE, 403)))
def get_webhook(request: HttpRequest, id: Id) -> SubscriptionOut:
    """One subscription, with its signing secret (admins)."""
    return subscription_out(access_subscription_by_id(caller(request), id))


@router.post("/webhooks", response=responses({201: SubscriptionOut}, CREATE))
def create_webhook(request: HttpRequest, payload: SubscriptionIn) -> Status[SubscriptionOut]:
    """Subscribe a URL to events (admins); the answer holds the signing secret."""
    person = caller(request)
    require_admin(person)
    subscription = services.create_subscription(
        actor=person,
        workspace=person.workspace,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return Status(201, subscription_out(subscription))


@router.patch("/webhooks/{id}", response=responses({200: SubscriptionOut}, UPDATE))
def update_webhook(request: HttpRequest, id: Id, payload: SubscriptionUpdate) -> SubscriptionOut:
    """Change a subscription's URL, events, description, or pause it (admins)."""
    person = caller(request)
    subscription = access_subscription_by_id(person, id)
    changes = payload.model_dump(exclude_unset=True)
    if "active" in changes:
        changes["is_active"] = changes.pop("active")
    subscription = services.update_subscription(actor=person, subscription=subscription, **changes)
    return subscription_out(subscription)


@router.delete("/webhooks/{id}", response=responses({204: None}, DELETE))
def delete_webhook(request: HttpRequest, id: Id) -> Status[None]:
    """Remove a subscription and its delivery log (admins)."""
    person = caller(request)
    services.delete_subscription(actor=person, subscription=access_subscription_by_id(person, id))
    return Status(204, None)


@router.get("/webhooks/{id}/deliveries", response=responses({200: DeliveryPage}, (*READ_ONE, 403)))
def list_deliveries(request: HttpRequest, id: Id, params: Query[DeliveryFilters]) -> DeliveryPage:
    """A subscription's deliveries, newest first: status, attempts, last error (admins);
    `updated_since` reads when they were queued."""
    subscription = access_subscription_by_id(caller(request), id)
    deliveries = Delivery.objects.filter(subscription=subscription)
    if params.status is not None:
        deliveries = deliveries.filter(status__in=params.status)
    if params.event is not None:
        deliveries = deliveries.filter(event__in=params.event)
    found = listing(
        request,
        deliveries,
        params,
        sort="-created_at",
        keys={"created_at": "created_at"},
        changed="created_at",
    )
    return DeliveryPage(
        count=found.count, next=found.next, items=[delivery_out(d) for d in found.items]
    )


@router.post("/webhooks/{id}/ping", response=responses({202: DeliveryOut}, (401, 403, 404, 422)))
def ping_webhook(request: HttpRequest, id: Id) -> Status[DeliveryOut]:
    """Queue a `ping` delivery to check the receiver (admins)."""
    person = caller(request)
    subscription = access_subscription_by_id(person, id)
    return Status(202, delivery_out(services.send_ping(actor=person, subscription=subscription)))
