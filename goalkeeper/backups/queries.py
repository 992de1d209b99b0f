"""Reads of the backup ledger for the admin page (docs/operations.md, "Scheduled backups")."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator

from goalkeeper.backups.models import BackupRun
from goalkeeper.domain.backups import Frequency, Schedule, parse_schedule
from goalkeeper.domain.errors import DomainValidationError

PAGE_SIZE = 25


@dataclass(frozen=True)
class Setup:
    """The scheduled backups' settings as the worker reads them."""

    schedule: Schedule | None  # None when BACKUP_SCHEDULE or BACKUP_HOUR is refused
    error: str
    keep: int
    folder: str
    zone: str  # TIME_ZONE: the clock of BACKUP_HOUR

    @property
    def enabled(self) -> bool:
        return self.schedule is not None and self.schedule.enabled

    @property
    def hourly(self) -> bool:
        return self.schedule is not None and self.schedule.frequency is Frequency.HOURLY


def setup() -> Setup:
    """What BACKUP_SCHEDULE, BACKUP_HOUR, BACKUP_KEEP and BACKUP_DIR say."""
    try:
        schedule: Schedule | None = parse_schedule(settings.BACKUP_SCHEDULE, settings.BACKUP_HOUR)
        error = ""
    except DomainValidationError as refused:
        schedule = None
        error = "; ".join(f"{e.field}: {e.message}" for e in refused.errors)
    return Setup(
        schedule=schedule,
        error=error,
        keep=settings.BACKUP_KEEP,
        folder=str(settings.BACKUP_DIR),
        zone=settings.TIME_ZONE,
    )


def runs_page(number: str | None) -> Page[BackupRun]:
    """One page of the ledger, the newest period first (one count, one page of rows)."""
    runs = BackupRun.objects.order_by("-period", "-id")
    return Paginator(runs, PAGE_SIZE).get_page(number)


def seconds_taken(run: BackupRun) -> float | None:
    """How long the run took; None while it runs."""
    if run.finished_at is None:
        return None
    return max((run.finished_at - run.started_at).total_seconds(), 0.0)
