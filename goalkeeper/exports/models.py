"""Exports of lists (docs/exports.md): a large one is prepared in the worker as a file under
the data directory, which its maker downloads until it expires."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    """The lists that export."""

    OBJECTIVES = "objectives", _("Objectives and key results")
    CHECK_INS = "check_ins", _("Check-ins")
    KPIS = "kpis", "KPIs"
    MEASUREMENTS = "measurements", _("Measurements")


class Format(models.TextChoices):
    """The file formats of an export."""

    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class Export(models.Model):
    """One list written to a file in the background, for the person who asked for it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ListKind.choices)
    format = models.CharField(max_length=8, choices=Format.choices)
    # The list's filters as the page's query string gave them (re-read when it runs).
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # The file's name inside the exports directory of the data directory (never a path).
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # The language of the request that asked for it: the file's headings are written in it
    # (a page's export speaks the person's language, the API's English).
    language = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["person", "-created_at"], name="export_person_created"),
            models.Index(fields=["state", "expires_at"], name="export_state_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        """How far the export has got, 0-100."""
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(int(self.rows_done * 100 / self.rows_total), 99)

    @property
    def running(self) -> bool:
        """Still to finish: the page keeps asking for its progress."""
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)
