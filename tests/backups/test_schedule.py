"""Scheduled backups: the period due, once per period whatever the number of workers, and
retention that keeps the newest and deletes nothing else."""

from __future__ import annotations

import datetime as dt
import tarfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.backups import services
from goalkeeper.backups.databases import BackupError
from goalkeeper.backups.models import BackupRun, RunStatus
from goalkeeper.backups.tasks import make_scheduled_backup
from goalkeeper.domain.backups import (
    Frequency,
    Schedule,
    beyond_retention,
    due_period,
    file_name,
    is_backup_name,
    parse_schedule,
)
from goalkeeper.domain.errors import DomainValidationError

instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)


# --- The rules (goalkeeper/domain/backups.py) ----------------------------------------------


def test_the_settings_read_as_a_schedule_and_bad_ones_name_the_setting() -> None:
    assert parse_schedule("", 3) == Schedule(Frequency.OFF, 3)
    assert parse_schedule(" Daily ", 2) == Schedule(Frequency.DAILY, 2)
    assert parse_schedule("hourly", 0).enabled
    with pytest.raises(DomainValidationError, match="BACKUP_SCHEDULE: must be off, hourly"):
        parse_schedule("weekly", 3)
    with pytest.raises(DomainValidationError, match="BACKUP_HOUR: must be an hour from 0 to 23"):
        parse_schedule("daily", 24)


def test_a_daily_backup_falls_due_at_its_hour_and_stays_due_until_the_next() -> None:
    daily = Schedule(Frequency.DAILY, 3)
    assert due_period(daily, dt.datetime(2026, 12, 3, 2, 59)) == "2026-12-02"
    assert due_period(daily, dt.datetime(2026, 12, 3, 3, 0)) == "2026-12-03"
    assert due_period(daily, dt.datetime(2026, 12, 3, 23, 59)) == "2026-12-03"
    assert due_period(Schedule(Frequency.HOURLY), dt.datetime(2026, 12, 3, 14, 5)) == (
        "2026-12-03T14"
    )
    assert due_period(Schedule(), dt.datetime(2026, 12, 3, 14, 5)) is None


@given(instants, st.integers(0, 23))
def test_the_period_due_never_lies_ahead_and_is_at_most_a_day_behind(
    now: dt.datetime, hour: int
) -> None:
    period = due_period(Schedule(Frequency.DAILY, hour), now)
    assert period is not None
    day = dt.date.fromisoformat(period)
    assert now.date() - dt.timedelta(days=1) <= day <= now.date()
    assert dt.datetime.combine(day, dt.time(hour), dt.UTC) <= now


@given(st.lists(instants, unique=True, max_size=30), st.integers(-2, 10))
def test_retention_keeps_the_newest_and_deletes_only_backups(
    moments: list[dt.datetime], keep: int
) -> None:
    names = {file_name(moment) for moment in moments}
    strangers = {"notes.txt", "goalkeeper-backup-latest.tar.gz", "other.tar.gz"}
    gone = beyond_retention(names | strangers, keep)
    kept = sorted(names - set(gone))

    assert set(gone) <= names
    assert len(kept) == min(len(names), max(1, keep))
    assert all(old < new for old in gone for new in kept)
    assert gone == sorted(gone)


@given(instants)
def test_a_backup_name_sorts_by_time_and_is_recognised(moment: dt.datetime) -> None:
    name = file_name(moment)
    assert is_backup_name(name)
    assert file_name(moment + dt.timedelta(seconds=1)) > name


# --- The worker's job ----------------------------------------------------------------------
# Tests that make a backup commit their rows (transaction=True), as the worker does: SQLite
# copies no database its own connection is in the middle of writing.


@pytest.fixture
def scheduled(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_SCHEDULE = "daily"
    settings.BACKUP_HOUR = 3
    settings.BACKUP_KEEP = 2
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.TIME_ZONE = "UTC"
    return Path(settings.BACKUP_DIR)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_nothing_is_backed_up_while_the_schedule_is_off(settings: Any) -> None:
    settings.BACKUP_SCHEDULE = "off"
    assert services.run_scheduled(_at(3, 4)) is None
    assert not BackupRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_due_backup_is_made_once_per_period_whatever_the_number_of_workers(
    scheduled: Path,
) -> None:
    first = services.run_scheduled(_at(3, 4))
    second = services.run_scheduled(_at(3, 4))  # another worker, the same five minutes
    later = services.run_scheduled(_at(3, 23))

    assert first is not None
    assert first.status == RunStatus.DONE
    assert first.period == "2026-12-03"
    assert second is None
    assert later is None
    assert [path.name for path in scheduled.iterdir()] == [
        "goalkeeper-backup-20261203T040000Z.tar.gz"
    ]
    assert first.file is not None
    run = BackupRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.file_name == first.file.name
    assert run.size_bytes == first.file.stat().st_size
    with tarfile.open(first.file) as tar:
        assert tar.getnames()[0] == "manifest.json"


@pytest.mark.django_db
def test_a_claimed_period_is_left_to_the_worker_that_claimed_it(scheduled: Path) -> None:
    assert services.claim_period("2026-12-03") is not None
    assert services.claim_period("2026-12-03") is None
    assert services.run_scheduled(_at(3, 4)) is None
    assert not scheduled.exists()


@pytest.mark.django_db(transaction=True)
def test_retention_keeps_the_newest_backups_and_the_files_of_others(scheduled: Path) -> None:
    scheduled.mkdir(parents=True)
    (scheduled / "keep-me.txt").write_text("an operator's note")
    days = []
    for day in (1, 2, 3, 4):
        run = services.run_scheduled(_at(day, 5))
        assert run is not None
        days.append(run)

    names = sorted(path.name for path in scheduled.iterdir())
    assert names == [
        "goalkeeper-backup-20261203T050000Z.tar.gz",
        "goalkeeper-backup-20261204T050000Z.tar.gz",
        "keep-me.txt",
    ]
    assert days[-1].deleted == ("goalkeeper-backup-20261202T050000Z.tar.gz",)
    assert BackupRun.objects.get(period="2026-12-03").deleted == [
        "goalkeeper-backup-20261201T050000Z.tar.gz"
    ]


@pytest.mark.django_db
def test_a_failed_backup_is_recorded_with_its_reason_and_not_retried_in_its_period(
    scheduled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(output: Path) -> None:
        raise BackupError("pg_dump failed: connection refused")

    monkeypatch.setattr(services, "make_backup", broken)
    run = services.run_scheduled(_at(3, 4))
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert BackupRun.objects.get().error == "pg_dump failed: connection refused"
    assert services.run_scheduled(_at(3, 5)) is None


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_makes_the_due_backup(scheduled: Path) -> None:
    with time_machine.travel(_at(3, 6), tick=False):
        make_scheduled_backup.call_local()
    assert BackupRun.objects.get().period == "2026-12-03"
    assert len(list(scheduled.iterdir())) == 1
