"""Chat channels (Slack, Teams, Mattermost, Rocket.Chat, generic JSON) and their deliveries.

A channel belongs to the workspace, to a team, or to one person (a personal channel, such as
a Slack workflow that messages them). Its webhook URL holds a token: it is kept sealed
(goalkeeper/sealing.py) and only a hint (`scheme://host/…last 4`) is ever shown.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    MATTERMOST = "mattermost", "Mattermost"
    ROCKETCHAT = "rocketchat", "Rocket.Chat"
    JSON = "json", _("Generic JSON webhook")


# Where to get the URL, shown under the kind select and in docs/chat.md.
KIND_HELP: dict[str, StrOrPromise] = {
    Kind.SLACK: _(
        "In Slack: create an app, turn on Incoming Webhooks, add one to a channel "
        "and copy its https://hooks.slack.com/services/… URL."
    ),
    Kind.TEAMS: _(
        "In Teams: Workflows → “Post to a channel when a webhook request is received” "
        "(or a Power Automate flow with “When a Teams webhook request is received”) and copy the "
        "HTTP POST URL."
    ),
    Kind.MATTERMOST: _(
        "In Mattermost: Integrations → Incoming Webhooks → Add, choose the channel "
        "and copy the …/hooks/… URL."
    ),
    Kind.ROCKETCHAT: _(
        "In Rocket.Chat: Administration → Integrations → New → Incoming, choose the "
        "channel, enable it, save and copy the Webhook URL."
    ),
    Kind.JSON: _(
        "Any HTTPS endpoint of yours: it receives Goalkeeper's JSON envelope, signed "
        "with the channel's secret like outbound webhooks (see docs/chat.md)."
    ),
}


class ChatChannel(models.Model):
    """A chat destination: posts alerts and/or digests to one incoming webhook URL."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="chat_channels"
    )
    # Scope: the workspace (neither set), a team, or one person's own channel.
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_channels",
    )
    person = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_channels",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=100)
    # Fernet token of {"url": ..., "secret": ...}: the URL carries the platform's token,
    # the secret signs generic JSON deliveries.
    sealed = models.TextField()
    url_hint = models.CharField(max_length=120)
    alerts = models.BooleanField(default=True)
    digests = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(person__isnull=True),
                name="chat_channel_one_scope",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "team"], name="chat_channel_team"),
            models.Index(fields=["workspace", "person"], name="chat_channel_person"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        """ "person", "team" or "workspace"."""
        if self.person_id is not None:
            return "person"
        if self.team_id is not None:
            return "team"
        return "workspace"


class Purpose(models.TextChoices):
    ALERT = "alert", _("Alert")
    DIGEST = "digest", _("Digest")
    NOTIFICATION = "notification", _("Notification")
    TEST = "test", _("Test")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class ChatDelivery(models.Model):
    """One message posted to one channel: tried until it is delivered or attempts run out."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as X-Goalkeeper-Delivery to generic receivers, to ignore a retried duplicate.
    delivery_id = models.UUIDField(default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    title = models.CharField(max_length=300, blank=True)
    # The JSON body exactly as it is sent, on every attempt.
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; a worker holding the delivery pushes it ahead (a lease).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    # A short summary, never the URL or more than a line of the remote answer.
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "next_attempt_at"], name="chat_delivery_due"),
            models.Index(fields=["channel", "-created_at"], name="chat_delivery_channel_at"),
        ]
        verbose_name_plural = "chat deliveries"

    def __str__(self) -> str:
        return f"{self.purpose} -> {self.channel_id} ({self.status})"
