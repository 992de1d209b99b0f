"""Scheduled backups' rules: which period is due, what a backup file is called, and which
files retention deletes (docs/operations.md, "Scheduled backups").

A schedule is `off`, `hourly` or `daily` (at an hour of the day, local time). Each period
has a label ("2026-12-03" for a day, "2026-12-03T14" for an hour); a worker backs up the
period that is due now unless it was backed up already, so a worker that was down catches
up once and never twice. Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from goalkeeper.domain.errors import DomainValidationError, FieldError

# goalkeeper-backup-20261203T030012Z.tar.gz: sorting the names sorts the backups by time.
PREFIX = "goalkeeper-backup-"
SUFFIX = ".tar.gz"
_NAME = re.compile(r"^goalkeeper-backup-(\d{8}T\d{6}Z)(?:-\d+)?\.tar\.gz$")


class Frequency(enum.StrEnum):
    OFF = "off"
    HOURLY = "hourly"
    DAILY = "daily"


@dataclass(frozen=True)
class Schedule:
    """How often backups run, and at which local hour for daily ones."""

    frequency: Frequency = Frequency.OFF
    hour: int = 3

    @property
    def enabled(self) -> bool:
        return self.frequency is not Frequency.OFF


def parse_schedule(frequency: str, hour: int) -> Schedule:
    """The schedule of the settings `BACKUP_SCHEDULE` and `BACKUP_HOUR`; a
    DomainValidationError names the setting at fault and what it accepts."""
    text = (frequency or "off").strip().lower()
    try:
        kind = Frequency(text)
    except ValueError:
        message = f"must be off, hourly or daily, got {frequency!r}"
        raise DomainValidationError([FieldError("BACKUP_SCHEDULE", message)]) from None
    if not 0 <= hour <= 23:
        message = f"must be an hour from 0 to 23, got {hour}"
        raise DomainValidationError([FieldError("BACKUP_HOUR", message)])
    return Schedule(kind, hour)


def due_period(schedule: Schedule, local_now: dt.datetime) -> str | None:
    """The label of the latest period whose backup time has come, at `local_now` (a wall
    clock in the server's zone); None when backups are off.

    Daily: today's date from the backup hour on, yesterday's before it.
    """
    if schedule.frequency is Frequency.HOURLY:
        return local_now.strftime("%Y-%m-%dT%H")
    if schedule.frequency is Frequency.DAILY:
        day = local_now.date()
        if local_now.hour < schedule.hour:
            day -= dt.timedelta(days=1)
        return day.isoformat()
    return None


def file_name(at: dt.datetime) -> str:
    """The name of a backup made at `at` (an aware instant), in UTC to the second."""
    utc = at.astimezone(dt.UTC)
    return f"{PREFIX}{utc.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def is_backup_name(name: str) -> bool:
    """Whether `name` is a file this app wrote (retention deletes nothing else)."""
    return _NAME.match(name) is not None


def beyond_retention(names: Iterable[str], keep: int) -> list[str]:
    """The backup files to delete so that the `keep` newest remain, oldest first.

    Names that are not backups of ours are never returned; `keep` below 1 counts as 1, so
    retention never deletes the backup just made.
    """
    ours = sorted({name for name in names if is_backup_name(name)})
    return ours[: max(0, len(ours) - max(1, keep))]
