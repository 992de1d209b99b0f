"""Notifications, watches and delivery preferences (docs/notifications.md)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from goalkeeper.notifications.kinds import Email


class SubjectType(models.TextChoices):
    OBJECTIVE = "objective", "Objective"
    KEY_RESULT = "key_result", "Key result"
    CHECK_IN = "check_in", "Check-in"
    KPI = "kpi", "KPI"
    SOURCE = "source", "Data source"
    CYCLE = "cycle", "Cycle"


# What a person may watch.
WATCHABLE = (SubjectType.OBJECTIVE, SubjectType.KEY_RESULT, SubjectType.KPI)


class EmailState(models.TextChoices):
    NONE = "none", "Not emailed"
    PENDING = "pending", "To send now"
    BATCHED = "batched", "To send in the next batch"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """Something one person should see: an item of their inbox."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    subject_type = models.CharField(max_length=16, choices=SubjectType.choices, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    actor = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Two open items with the same key for one person are one: a KPI that turns red twice
    # before anyone looks shows once. Blank: never merged.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    # Hidden from the inbox until this date (the workspace's days) begins.
    snoozed_until = models.DateField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Which send took the item (a conditional UPDATE writes it): two workers never both send.
    claim = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["person", "done_at", "created_at"], name="notification_inbox"),
            models.Index(
                fields=["workspace", "kind", "subject_type", "subject_id"],
                name="notification_subject",
            ),
            models.Index(fields=["email_state", "person"], name="notification_email"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "kind", "key"],
                condition=Q(done_at__isnull=True) & ~Q(key=""),
                name="notification_open_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Watch(models.Model):
    """A person's explicit choice to follow (or stop following) an objective, key result or KPI.

    Owners and team leads watch by default without a row; `watching=False` is how they opt out.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="watches")
    subject_type = models.CharField(max_length=16, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    watching = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "subject_type", "subject_id"], name="watch_unique"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "subject_type", "subject_id"], name="watch_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class Preference(models.Model):
    """How one kind of notification reaches one person; no row means the kind's default.

    The row of kind `ALL` with email "off" stops every email ("unsubscribe from all").
    """

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32)
    email = models.CharField(
        max_length=9, choices=[(e.value, e.value) for e in Email], default=Email.IMMEDIATE
    )
    chat = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "kind"], name="preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.email}"
