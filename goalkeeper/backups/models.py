"""The ledger of scheduled backups: one row per period, inserted by the worker that makes it."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class BackupRun(models.Model):
    """A scheduled backup of one period ("2026-12-03" daily, "2026-12-03T14" hourly).

    The row is the claim: whoever inserts it makes the backup; a second worker's insert
    fails on the unique period, whatever the number of workers (docs/operations.md).
    """

    period = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    deleted = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-period"]

    def __str__(self) -> str:
        return f"backup of {self.period} ({self.status})"
