"""REST endpoints for chat channels of the workspace and its teams (admins only).

The webhook URL is write-only: answers carry `url_hint` (`scheme://host/…last 4`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person, Team
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    ChannelName,
    Flag,
    Id,
    Input,
    Page,
    PageParams,
    Patch,
    Ref,
    WebhookUrl,
)
from goalkeeper.channels import services
from goalkeeper.channels.access import access_channel_by_id, shared_channels
from goalkeeper.channels.models import ChatChannel, ChatDelivery, Kind
from goalkeeper.channels.sealed import UnreadableTargetError, unseal

router = Router(tags=["chat channels"])

KindName = Literal["slack", "teams", "mattermost", "rocketchat", "json"]
assert set(KindName.__args__) == set(Kind.values), "KindName must list every kind"  # type: ignore[attr-defined]


class ChannelOut(Schema):
    id: int
    name: str
    kind: KindName
    scope: Literal["workspace", "team"]
    team: int | None
    url_hint: str = Field(description="scheme://host/… and the URL's last four characters")
    alerts: bool
    digests: bool
    active: bool
    signing_secret: str | None = Field(
        description="json channels: the HMAC-SHA256 key of X-Goalkeeper-Signature"
    )
    created_at: dt.datetime


class ChannelPage(Page):
    items: list[ChannelOut]


class ChannelIn(Input):
    name: ChannelName
    kind: KindName
    url: WebhookUrl = Field(description="The incoming webhook URL")
    team: Ref | None = Field(None, description="A team's channel; omitted: the workspace's")
    alerts: Flag = True
    digests: Flag = True


class ChannelUpdate(Input):
    name: Patch[ChannelName] = Field(None)
    kind: Patch[KindName] = Field(None)
    url: Patch[WebhookUrl] = Field(None)
    alerts: Patch[Flag] = Field(None)
    digests: Patch[Flag] = Field(None)
    active: Patch[Flag] = Field(None)


class ChatDeliveryOut(Schema):
    id: int
    delivery_id: uuid.UUID
    purpose: Literal["alert", "digest", "notification", "test"]
    title: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime


class ChatDeliveryPage(Page):
    items: list[ChatDeliveryOut]


def channel_out(channel: ChatChannel) -> ChannelOut:
    secret: str | None = None
    if channel.kind == Kind.JSON:
        try:
            secret = unseal(channel.sealed).secret
        except UnreadableTargetError:
            secret = None
    return ChannelOut(
        id=channel.pk,
        name=channel.name,
        kind=channel.kind,  # type: ignore[arg-type]
        scope="team" if channel.team_id is not None else "workspace",
        team=channel.team_id,
        url_hint=channel.url_hint,
        alerts=channel.alerts,
        digests=channel.digests,
        active=channel.is_active,
        signing_secret=secret,
        created_at=channel.created_at,
    )


def delivery_out(delivery: ChatDelivery) -> ChatDeliveryOut:
    return ChatDeliveryOut(
        id=delivery.pk,
        delivery_id=delivery.delivery_id,
        purpose=delivery.purpose,  # type: ignore[arg-type]
        title=delivery.title,
        status=delivery.status,  # type: ignore[arg-type]
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


def _admin_channel(person: Person, channel_id: int) -> ChatChannel:
    require_admin(person)
    channel = access_channel_by_id(person, channel_id)
    if channel.person_id is not None:
        # Personal channels are their person's business, on their page only.
        raise ValidationError({"id": "a personal channel is managed on its person's page"})
    return channel


@router.get("/chat-channels", response=responses({200: ChannelPage}, (*READ_MANY, 403)))
def list_chat_channels(request: HttpRequest, params: Query[PageParams]) -> ChannelPage:
    """The workspace's and its teams' chat channels (admins)."""
    person = caller(request)
    require_admin(person)
    found = listing(request, shared_channels(person), params)
    return ChannelPage(
        count=found.count, next=found.next, items=[channel_out(c) for c in found.items]
    )


@router.get("/chat-channels/{id}", response=responses({200: ChannelOut}, (*READ_ONE, 403)))
def get_chat_channel(request: HttpRequest, id: Id) -> ChannelOut:
    """One chat channel (admins); the URL shows as a hint only."""
    return channel_out(_admin_channel(caller(request), id))


@router.post("/chat-channels", response=responses({201: ChannelOut}, CREATE))
def create_chat_channel(request: HttpRequest, payload: ChannelIn) -> Status[ChannelOut]:
    """Add a channel of the workspace or of a team (admins)."""
    person = caller(request)
    require_admin(person)
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team, workspace_id=person.workspace_id).first()
        if team is None:
            raise ValidationError({"team": "no such team in this workspace"})
    channel = services.create_channel(
        actor=person,
        workspace=person.workspace,
        kind=payload.kind,
        name=payload.name,
        url=payload.url,
        team=team,
        alerts=payload.alerts,
        digests=payload.digests,
    )
    return Status(201, channel_out(channel))


@router.patch("/chat-channels/{id}", response=responses({200: ChannelOut}, UPDATE))
def update_chat_channel(request: HttpRequest, id: Id, payload: ChannelUpdate) -> ChannelOut:
    """Rename a channel, change its platform, URL or what it receives, or pause it (admins)."""
    person = caller(request)
    channel = _admin_channel(person, id)
    changes = payload.model_dump(exclude_unset=True)
    if "active" in changes:
        changes["is_active"] = changes.pop("active")
    return channel_out(services.update_channel(actor=person, channel=channel, **changes))


@router.delete("/chat-channels/{id}", response=responses({204: None}, DELETE))
def delete_chat_channel(request: HttpRequest, id: Id) -> Status[None]:
    """Remove a channel and its delivery log (admins)."""
    person = caller(request)
    services.delete_channel(actor=person, channel=_admin_channel(person, id))
    return Status(204, None)


@router.get(
    "/chat-channels/{id}/deliveries",
    response=responses({200: ChatDeliveryPage}, (*READ_ONE, 403)),
)
def list_chat_deliveries(
    request: HttpRequest, id: Id, params: Query[PageParams]
) -> ChatDeliveryPage:
    """A channel's deliveries, newest first (admins)."""
    channel = _admin_channel(caller(request), id)
    deliveries = ChatDelivery.objects.filter(channel=channel)
    found = listing(
        request, deliveries, params, sort="-created_at", keys={"created_at": "created_at"}
    )
    return ChatDeliveryPage(
        count=found.count, next=found.next, items=[delivery_out(d) for d in found.items]
    )


@router.post(
    "/chat-channels/{id}/test", response=responses({202: ChatDeliveryOut}, (401, 403, 404, 422))
)
def test_chat_channel(request: HttpRequest, id: Id) -> Status[ChatDeliveryOut]:
    """Queue a test message to a channel (admins)."""
    person = caller(request)
    channel = _admin_channel(person, id)
    return Status(202, delivery_out(services.send_test(actor=person, channel=channel)))
