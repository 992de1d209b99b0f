"""Data sources and their sync runs (docs/model.md)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goalkeeper.changes.stamps import Stamped


class SourceStatus(models.TextChoices):
    NEW = "new", _("Not run yet")
    OK = "ok", _("Healthy")
    FAILING = "failing", _("Failing")
    BROKEN = "broken", _("Broken")


class DataSource(Stamped):
    """Where a KPI's measurements come from automatically, and when it is next pulled."""

    # A worker's lease on the source is bookkeeping, not a change of the source.
    STAMP_IGNORED: ClassVar[frozenset[str]] = frozenset({"claimed_until"})

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kpi = models.OneToOneField("kpis.Kpi", on_delete=models.CASCADE, related_name="source")
    kind = models.CharField(max_length=20)
    # Parameters that are not secret, by name (a URL without its password, a query...).
    settings = models.JSONField(default=dict, blank=True)
    # Secret parameters, sealed as one Fernet token (see secrets.py); never sent to a page.
    sealed_secrets = models.TextField(blank=True)
    interval_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=SourceStatus.choices, default=SourceStatus.NEW)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # When the schedule next pulls it; None for a push source or a paused one.
    next_run_at = models.DateTimeField(null=True, blank=True)
    # A worker holding a run keeps this in the future (a lease): nobody else may start one.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The newest timestamp a successful pull returned: the next pull asks from there.
    cursor = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["is_active", "next_run_at"], name="source_due"),
            models.Index(fields=["workspace", "status"], name="source_ws_status"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(interval_minutes__gte=1), name="source_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} source of KPI {self.kpi_id}"

    @property
    def interval(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.interval_minutes)

    @property
    def is_broken(self) -> bool:
        return self.status == SourceStatus.BROKEN


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Sync now")
    CLI = "cli", _("Command line")
    PUSH = "push", _("Push")


FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)


class SyncRun(models.Model):
    """One pull of a source: when, how it went, what it wrote."""

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="runs")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    # What the run is doing now ("Fetching", "Writing 1,200 values"), for the progress view.
    phase = models.CharField(max_length=80, blank=True)
    requested_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The schedule slot a scheduled run fills: one run per source and slot, whatever the
    # number of workers (the database refuses a second one).
    due_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which process carried it out (host:pid), to trace a run across several workers.
    worker = models.CharField(max_length=100, blank=True)
    rows_fetched = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-queued_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["source", "-queued_at"], name="run_source_at"),
            models.Index(fields=["status", "queued_at"], name="run_status_at"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "due_at"], name="run_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of source {self.source_id} ({self.status})"

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class ConnectionTest(models.Model):
    """One "Test connection": the parameters handed to a worker, and what it found.

    The parameters may be typed but not saved yet, so they travel here; the secrets among
    them are sealed, and emptied once the test is over. Nothing else is written: a test
    never stores values.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    settings = models.JSONField(default=dict, blank=True)
    sealed_secrets = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    # The first rows found: [line, ISO 8601 timestamp, value] each.
    rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    # When a worker took it: a running test is bounded from here, not from when it queued.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-queued_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "status"], name="conn_test_workspace_status"),
        ]

    def __str__(self) -> str:
        return f"connection test {self.pk} of KPI {self.kpi_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
