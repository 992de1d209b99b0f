"""Chat channel writes (add, change, remove, test) and posting messages to channels.

`post` and `post_to_scope` write one ChatDelivery per channel (the payload exactly as it
will be sent) in the caller's transaction and hand them to the worker once it commits,
like outbound webhooks: a rolled-back write posts nothing.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goalkeeper import outbound
from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.audit.services import record
from goalkeeper.channels import sealed
from goalkeeper.channels.access import require_scope
from goalkeeper.channels.messages import ChatMessage, payload_for
from goalkeeper.channels.models import ChatChannel, ChatDelivery, Kind, Purpose
from goalkeeper.channels.tasks import deliver_chat

CHANNEL_FIELDS = ("name", "kind", "alerts", "digests", "is_active")
URL_MAX_LENGTH = 2000
_url_validator = URLValidator(schemes=["http", "https"])
# Which channels a purpose reaches: alerts and notifications go to channels that take
# alerts, digests to those that take digests; a test goes to the channel asked for.
_WANTS = {Purpose.ALERT: "alerts", Purpose.NOTIFICATION: "alerts", Purpose.DIGEST: "digests"}


def _check_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise ValidationError({"url": gettext_noop("enter the channel's webhook URL")})
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({"url": f"must be at most {URL_MAX_LENGTH} characters"})
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError({"url": gettext_noop("enter an http:// or https:// URL")}) from None
    # Checked again at every attempt: what a name resolves to may change.
    problem = outbound.url_problem(url)
    if problem:
        raise ValidationError({"url": sealed.scrub(problem, url)})
    return url


def _check(channel: ChatChannel) -> None:
    errors: dict[str, str] = {}
    channel.name = channel.name.strip()
    if not channel.name:
        errors["name"] = "enter a name"
    elif len(channel.name) > 100:
        errors["name"] = "must be at most 100 characters"
    if channel.kind not in Kind.values:
        errors["kind"] = "choose one of " + ", ".join(Kind.values)
    if channel.team is not None and channel.team.workspace_id != channel.workspace_id:
        errors["team"] = "no such team in this workspace"
    if channel.person is not None and channel.person.workspace_id != channel.workspace_id:
        errors["person"] = "no such person in this workspace"
    if channel.team is not None and channel.person is not None:
        errors["team"] = "a personal channel belongs to no team"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_channel(
    *,
    actor: Person | None,
    workspace: Workspace,
    kind: str,
    name: str,
    url: str,
    team: Team | None = None,
    person: Person | None = None,
    alerts: bool = True,
    digests: bool = True,
) -> ChatChannel:
    """Add a channel of the workspace, of a team, or of one person (their own).

    `actor` None is the system (demo data, commands); otherwise admins add workspace and team
    channels, team leads their team's, and a person their own.
    """
    if actor is not None:
        require_scope(actor, team=team, owner=person)
    channel = ChatChannel(
        workspace=workspace,
        team=team,
        person=person,
        kind=kind,
        name=name,
        alerts=alerts,
        digests=digests,
        created_by=actor,
    )
    _check(channel)
    clean_url = _check_url(url)
    target = sealed.Target(
        url=clean_url, secret=secrets.token_urlsafe(32) if kind == Kind.JSON else ""
    )
    channel.sealed = sealed.seal(target)
    channel.url_hint = sealed.hint(clean_url)
    channel.save()
    record(
        workspace=workspace,
        actor=actor,
        action="chat_channel.created",
        obj=channel,
        changes={
            "name": [None, channel.name],
            "kind": [None, channel.kind],
            "scope": [None, channel.scope],
            "url": [None, channel.url_hint],
        },
    )
    return channel


@transaction.atomic
def update_channel(*, actor: Person | None, channel: ChatChannel, **changes: Any) -> ChatChannel:
    """Change a channel's name, kind, URL, what it receives, or pause it.

    An empty or missing `url` keeps the saved one (forms never show it back).
    """
    if actor is not None:
        require_scope(actor, team=channel.team, owner=channel.person)
    before = {name: getattr(channel, name) for name in CHANNEL_FIELDS}
    before_hint = channel.url_hint
    new_url = changes.pop("url", None)
    for name, value in changes.items():
        if name not in CHANNEL_FIELDS:
            raise ValidationError({name: gettext_noop("cannot be changed here")})
        setattr(channel, name, value)
    _check(channel)
    target = None
    if new_url is not None and str(new_url).strip():
        target = sealed.Target(url=_check_url(str(new_url)))
    if target is not None or channel.kind != before["kind"]:
        try:
            old_target = sealed.unseal(channel.sealed)
        except sealed.UnreadableTargetError as exc:
            if target is None:
                raise ValidationError({"url": str(exc)}) from None
            old_target = sealed.Target(url="")
        url = target.url if target is not None else old_target.url
        # A generic channel keeps its signing secret across URL changes (receivers know it).
        secret = (
            (old_target.secret or secrets.token_urlsafe(32)) if channel.kind == Kind.JSON else ""
        )
        channel.sealed = sealed.seal(sealed.Target(url=url, secret=secret))
        channel.url_hint = sealed.hint(url)
    channel.save()
    changed: dict[str, list[Any]] = {
        name: [before[name], getattr(channel, name)]
        for name in CHANNEL_FIELDS
        if before[name] != getattr(channel, name)
    }
    if target is not None:
        # The hint alone: the audit trail must not keep the token either.
        changed["url"] = [before_hint, channel.url_hint]
    record(
        workspace=channel.workspace,
        actor=actor,
        action="chat_channel.updated",
        obj=channel,
        changes=changed,
    )
    return channel


@transaction.atomic
def delete_channel(*, actor: Person | None, channel: ChatChannel) -> None:
    """Remove a channel and its delivery log."""
    if actor is not None:
        require_scope(actor, team=channel.team, owner=channel.person)
    record(
        workspace=channel.workspace,
        actor=actor,
        action="chat_channel.deleted",
        obj=channel,
        changes={"name": [channel.name, None], "url": [channel.url_hint, None]},
    )
    channel.delete()


@transaction.atomic
def send_test(*, actor: Person, channel: ChatChannel) -> ChatDelivery:
    """Queue a test message to one channel, to check it end to end."""
    require_scope(actor, team=channel.team, owner=channel.person)
    delivery = post(
        channel=channel,
        message=lambda: ChatMessage(
            title=_("Test message from Goalkeeper"),
            text=_(
                "%(person)s sent this to check the channel “%(channel)s”. "
                "Alerts and digests will look like this."
            )
            % {"person": actor.name, "channel": channel.name},
            fields=((_("Channel"), channel.name), (_("Receives"), _receives(channel))),
            tone="green",
        ),
        purpose=Purpose.TEST,
    )
    record(workspace=channel.workspace, actor=actor, action="chat_channel.tested", obj=channel)
    return delivery


def _receives(channel: ChatChannel) -> str:
    if channel.alerts and channel.digests:
        return _("alerts and digests")
    if channel.alerts:
        return _("alerts")
    if channel.digests:
        return _("digests")
    return _("nothing yet")


# --- Posting ----------------------------------------------------------------------------


# A message, or a function writing it in the active language (called in the channel's).
Said = ChatMessage | Callable[[], ChatMessage]


def channel_language(channel: ChatChannel) -> str:
    """The language a channel is written in: its person's (a personal channel), else the
    language of the person who added it, else English (docs/chat.md)."""
    owner = channel.person if channel.person_id else channel.created_by
    language = owner.user.language if owner is not None else ""
    return language or "en"


def _delivery(channel: ChatChannel, said: Said, purpose: str) -> ChatDelivery:
    now = timezone.now()
    delivery_id = uuid.uuid4()
    with translation.override(channel_language(channel)):
        message = said() if callable(said) else said
        payload = payload_for(channel.kind, message)
    if channel.kind == Kind.JSON:
        payload = {
            "id": str(delivery_id),
            "purpose": purpose,
            "created_at": now.isoformat(),
            "workspace": channel.workspace_id,
            "channel": {"id": channel.pk, "name": channel.name, "scope": channel.scope},
            **payload,
        }
    return ChatDelivery(
        channel=channel,
        delivery_id=delivery_id,
        purpose=purpose,
        title=message.title[:300],
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )


@transaction.atomic
def post(*, channel: ChatChannel, message: Said, purpose: str) -> ChatDelivery:
    """Queue `message` to one channel; the worker sends it once the transaction commits."""
    if purpose not in Purpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    delivery = _delivery(channel, message, purpose)
    delivery.save()
    transaction.on_commit(partial(_enqueue, [delivery.pk]))
    return delivery


@transaction.atomic
def post_to_scope(
    *,
    workspace_id: int,
    message: Said,
    purpose: str,
    team_id: int | None = None,
    person_id: int | None = None,
) -> int:
    """Queue `message` to every active channel of one scope that takes `purpose`.

    The scope is a person's own channels (`person_id`), a team's (`team_id`) or, with
    neither, the workspace's. A `message` given as a function is written in each channel's
    language. Returns how many deliveries were queued.
    """
    wants = _WANTS.get(Purpose(purpose))
    if wants is None:
        raise ValueError(f"purpose {purpose!r} is sent to one channel: use post()")
    channels = ChatChannel.objects.filter(
        workspace_id=workspace_id, is_active=True, **{wants: True}
    ).select_related("person__user", "created_by__user")
    if person_id is not None:
        channels = channels.filter(person_id=person_id)
    elif team_id is not None:
        channels = channels.filter(team_id=team_id, person__isnull=True)
    else:
        channels = channels.filter(team__isnull=True, person__isnull=True)
    deliveries = ChatDelivery.objects.bulk_create(
        [_delivery(channel, message, purpose) for channel in channels]
    )
    if deliveries:
        transaction.on_commit(partial(_enqueue, [delivery.pk for delivery in deliveries]))
    return len(deliveries)


def _enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        deliver_chat(delivery_id)
