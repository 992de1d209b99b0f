"""Outbound webhooks: an admin subscribes a URL to events; each event makes one delivery."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goalkeeper.changes.stamps import Stamped

# The events a subscription may ask for, with what they mean (shown on the page and in docs).
EVENTS: dict[str, str] = {
    "check_in.created": "Someone checked in on a key result.",
    "key_result.created": "A key result was added to an objective.",
    "key_result.updated": "A key result's definition changed.",
    "key_result.deleted": "A key result was deleted.",
    "key_result.status_changed": "A key result's pace status changed after a write.",
    "objective.created": "An objective was created.",
    "objective.updated": "An objective's fields changed.",
    "objective.closed": "An objective was closed with its final score.",
    "objective.deleted": "An objective was deleted.",
    "objective.review_requested": "A draft objective was submitted for someone's review.",
    "objective.review_returned": "A reviewer sent a draft objective back with a note.",
    "kpi.created": "A KPI was created.",
    "kpi.updated": "A KPI's definition changed.",
    "kpi.deleted": "A KPI was deleted.",
    "kpi.measurements_recorded": "Values were pushed to a KPI.",
    "kpi.health_changed": "A KPI's health changed after a write.",
    "kpi.signal": "A KPI's latest period shows a signal, a different one, or none any more.",
    "kpi.baseline_set": "A new baseline was set for a KPI's process limits.",
    "comment.created": "Someone commented on an objective, key result, check-in or KPI.",
    "comment.updated": "A comment's text was edited.",
    "comment.deleted": "A comment was deleted.",
    "reaction.added": "Someone reacted to a check-in.",
    "source.broken": "A data source failed often enough in a row to count as broken.",
    "source.recovered": "A broken data source succeeded again.",
}
# Sent only by the "Send a test" button: every subscription receives it.
PING = "ping"


class Subscription(Stamped):
    """A URL that receives the workspace's events, signed with the subscription's secret."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    description = models.CharField(max_length=200, blank=True)
    # Event names from EVENTS; an empty list would never fire and is refused on save.
    events = models.JSONField(default=list)
    # The HMAC key; kept in clear because every delivery is signed with it.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return event == PING or event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event sent to one subscription: tried until it succeeds or attempts run out."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Receivers use it to ignore a delivery they have already processed (retries repeat it).
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; a worker holding the delivery pushes it ahead (a lease).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="delivery_sub_at"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription_id} ({self.status})"
