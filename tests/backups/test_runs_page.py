"""The backups page: the scheduled runs of the installation and the settings behind them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.backups.models import BackupRun, RunStatus
from goalkeeper.backups.queries import PAGE_SIZE
from tests.conftest import World

START = dt.datetime(2026, 12, 3, 3, 0, 5, tzinfo=dt.UTC)


def _run(period: str, **fields: Any) -> BackupRun:
    return BackupRun.objects.create(period=period, started_at=START, **fields)


def test_with_schedules_off_and_no_run_the_page_says_which_settings_turn_them_on(
    world: World, settings: Any
) -> None:
    settings.BACKUP_SCHEDULE = "off"

    page = world.client_for(world.admin).get(reverse("backup_runs"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="backups-empty"' in html
    assert "Off: no backup is made on a schedule." in html
    for name in ("BACKUP_SCHEDULE=daily", "BACKUP_HOUR=3", "BACKUP_DIR=", "BACKUP_KEEP="):
        assert name in html
    assert 'data-testid="backup-runs"' not in html


def test_a_daily_schedule_and_retention_are_said_in_words(world: World, settings: Any) -> None:
    settings.BACKUP_SCHEDULE = "daily"
    settings.BACKUP_HOUR = 4
    settings.BACKUP_KEEP = 14
    settings.TIME_ZONE = "Europe/Berlin"

    html = world.client_for(world.admin).get(reverse("backup_runs")).content.decode()

    assert "Every day at 04:00 (Europe/Berlin), by the worker." in html
    assert "The 14 newest backups are kept" in html
    assert "The worker makes the first one when its period comes" in html


def test_a_refused_schedule_setting_is_named_with_its_reason(world: World, settings: Any) -> None:
    settings.BACKUP_SCHEDULE = "weekly"

    html = world.client_for(world.admin).get(reverse("backup_runs")).content.decode()

    assert "BACKUP_SCHEDULE: must be off, hourly or daily, got &#x27;weekly&#x27;" in html


def test_runs_show_when_file_size_duration_and_the_error_of_a_failed_one(
    world: World, settings: Any
) -> None:
    settings.BACKUP_SCHEDULE = "hourly"
    _run(
        "2026-12-03T03",
        status=RunStatus.DONE,
        finished_at=START + dt.timedelta(seconds=12.5),
        file_name="goalkeeper-backup-20261203T030005Z.tar.gz",
        size_bytes=3 * 1024 * 1024,
        deleted=["goalkeeper-backup-20261125T030001Z.tar.gz"],
    )
    _run(
        "2026-12-03T04",
        status=RunStatus.FAILED,
        finished_at=START + dt.timedelta(seconds=2),
        error="pg_dump: not found; install PostgreSQL's client tools",
    )
    _run("2026-12-03T05")

    html = world.client_for(world.admin).get(reverse("backup_runs")).content.decode()

    assert "Every hour, by the worker." in html
    assert html.index('data-run="2026-12-03T05"') < html.index('data-run="2026-12-03T04"')
    assert html.index('data-run="2026-12-03T04"') < html.index('data-run="2026-12-03T03"')
    assert "goalkeeper-backup-20261203T030005Z.tar.gz" in html
    assert "3.0\xa0MB" in html
    assert "12.5 s" in html
    assert "1 older backup deleted" in html
    assert "pg_dump: not found; install PostgreSQL&#x27;s client tools" in html
    assert "being made" in html
    assert 'data-testid="backups-empty"' not in html


def test_the_page_is_paged_and_its_queries_do_not_grow_with_the_runs(
    world: World, settings: Any
) -> None:
    client = world.client_for(world.admin)
    url = reverse("backup_runs")
    _run("2026-01-01", status=RunStatus.DONE)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(2, PAGE_SIZE + 12):
        _run(f"2026-02-{day:02d}" if day < 29 else f"2026-03-{day - 28:02d}")
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)
    html = first.content.decode()
    assert html.count("<tr data-run=") == PAGE_SIZE
    assert "Page 1 of 2" in html
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("<tr data-run=") == 11
    assert 'data-run="2026-01-01"' in second


def test_the_admin_home_links_the_backups_next_to_the_format_page(world: World) -> None:
    html = world.client_for(world.admin).get(reverse("admin")).content.decode()

    assert html.index('data-testid="card-format"') < html.index('data-testid="card-backups"')
    assert reverse("backup_runs") in html


def test_editors_and_viewers_may_not_see_the_backups(world: World) -> None:
    for person in (world.editor, world.viewer):
        assert world.client_for(person).get(reverse("backup_runs")).status_code == 403
