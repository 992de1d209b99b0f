"""The weekly rhythm's tables: each workspace's schedule, and the ledger of what went out.

See docs/digests.md.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

# Monday first, as `domain.rhythm.WEEKDAY_NAMES`; the names in the reader's language.
WEEKDAY_CHOICES = sorted(WEEKDAYS.items())


class DigestKind(models.TextChoices):
    REMINDER = "reminder", _("Check-in reminder")
    PERSONAL = "personal", _("Personal digest")
    TEAM = "team", _("Team digest")
    COMPANY = "company", _("Company digest")


class SendStatus(models.TextChoices):
    # Claimed by a worker that is sending it right now.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # The attempt raised; the next run claims it again (nothing went out).
    FAILED = "failed", _("Failed")


class DigestSchedule(models.Model):
    """When a workspace's reminder and digests fall due, in its own time zone.

    A workspace without a row uses the defaults: the check-in reminder on Monday at 09:00,
    the digests an hour earlier, so that Monday starts with last week's picture.
    """

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="digest_schedule"
    )
    reminder_enabled = models.BooleanField("Send the check-in reminder", default=True)
    reminder_weekday = models.PositiveSmallIntegerField(
        "Reminder day",
        choices=WEEKDAY_CHOICES,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )
    reminder_time = models.TimeField("Reminder time", default=dt.time(9, 0))
    digest_weekday = models.PositiveSmallIntegerField(
        "Digest day",
        choices=WEEKDAY_CHOICES,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )
    digest_time = models.TimeField("Digest time", default=dt.time(8, 0))
    personal_enabled = models.BooleanField("Send the personal digest", default=True)
    team_enabled = models.BooleanField("Send the team digest to team leads", default=True)
    company_enabled = models.BooleanField("Send the company digest to admins", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"schedule of workspace {self.workspace_id}"

    def enabled(self, kind: str) -> bool:
        """Whether `kind` (a `DigestKind`) is sent at all."""
        return bool(getattr(self, f"{kind}_enabled"))

    def slot(self, kind: str) -> tuple[int, dt.time]:
        """The weekday (0 Monday) and local time `kind` falls due at."""
        if kind == DigestKind.REMINDER:
            return self.reminder_weekday, self.reminder_time
        return self.digest_weekday, self.digest_time


class DigestSend(models.Model):
    """One reminder or digest for one person, one week (and one team for team digests).

    The row is the claim: whoever inserts it sends it; a second insert fails on the unique
    constraints, whatever the number of workers (docs/digests.md, "Once a week").
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="digest_sends"
    )
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    # The Monday of the week in the workspace's zone.
    week = models.DateField()
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-week", "id"]
        constraints: ClassVar = [
            # Two constraints, not one: NULLs are distinct in a UNIQUE index on both
            # SQLite and PostgreSQL, so (person, kind, week, NULL) would repeat freely.
            models.UniqueConstraint(
                fields=["person", "kind", "week", "team"],
                condition=Q(team__isnull=False),
                name="digest_send_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "week"],
                condition=Q(team__isnull=True),
                name="digest_send_once",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "week", "kind"], name="digest_send_ws_week"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for person {self.person_id}, week of {self.week}"


class DigestRound(models.Model):
    """A workspace's round of one kind for one week, finished: every message claimed.

    The periodic job skips a finished round, so a due week costs one small read per run
    instead of rebuilding every digest to find them all in the ledger. A round with a
    failed send stays unfinished, and the next run retries that send.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    week = models.DateField()
    finished_at = models.DateTimeField(default=timezone.now)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workspace", "kind", "week"], name="digest_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} round of workspace {self.workspace_id}, week of {self.week}"


class DigestPost(models.Model):
    """A team or company digest posted to chat channels, once a week per scope.

    The claim works as `DigestSend`'s: the INSERT is it (the company digest has no team).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    week = models.DateField()
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)
    channels = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "week", "team"],
                condition=Q(team__isnull=False),
                name="digest_post_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["workspace", "kind", "week"],
                condition=Q(team__isnull=True),
                name="digest_post_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} post of workspace {self.workspace_id}, week of {self.week}"
