"""`goalkeeper sync [--kpi ID] [--all]`: pulls sources in the foreground and sums up.

Most tests call the command in-process (the test database, the shared fixtures); the last
two run the real `goalkeeper` command in a subprocess against a fresh data directory,
whose data a setup script writes through the ORM into the same SQLite file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source, write_csv

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
GOOD_ROWS = [("2026-11-01", "10"), ("2026-11-02", "12.5")]
BAD_ROWS = [("2026-11-01", "10"), ("2026-11-02", "lots")]


def day(number: int) -> dt.datetime:
    return dt.datetime(2026, 11, number, tzinfo=dt.UTC)


def stored(kpi: Kpi) -> dict[dt.datetime, float]:
    return dict(Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value"))


def sync(*args: str, **options: Any) -> tuple[str, str]:
    """Run `goalkeeper sync` in-process: (stdout, stderr). CommandError propagates."""
    out, err = StringIO(), StringIO()
    options.setdefault("no_progress", True)
    call_command("sync", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def sync_failing(*args: str, **options: Any) -> tuple[str, str]:
    """Run it expecting a failure: (stdout, the error's message)."""
    out = StringIO()
    options.setdefault("no_progress", True)
    with pytest.raises(CommandError) as refused:
        call_command("sync", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue(), str(refused.value)


@pytest.fixture
def good(kpi: Kpi, files: Path) -> DataSource:
    return csv_source(kpi, write_csv(files / "deals.csv", GOOD_ROWS))


@pytest.fixture
def bad_kpi(world: World, files: Path) -> Kpi:
    """A KPI with values typed by hand and a source whose file has text in a value cell."""
    kpi = create_kpi(
        actor=world.admin, team=world.sales, name="Refunds", frequency="daily", target=10
    )
    record_measurements(actor=world.admin, kpi=kpi, points=[(day(1), 5.0), (day(2), 6.0)])
    csv_source(kpi, write_csv(files / "refunds.csv", BAD_ROWS))
    return kpi


# --- In-process --------------------------------------------------------------------------------


def test_sync_of_one_kpi_pulls_its_source_and_prints_a_summary(kpi: Kpi, good: DataSource) -> None:
    out, _ = sync(kpi=kpi.pk)

    assert "✓ Signed deals: 2 rows, 2 new, 0 updated" in out
    assert "1 synced, 0 failed, 0 skipped: 2 values created, 0 updated." in out
    assert stored(kpi) == {day(1): 10.0, day(2): 12.5}
    run = SyncRun.objects.get()
    assert (run.trigger, run.status) == (RunTrigger.CLI, RunStatus.SUCCEEDED)


def test_a_failing_source_names_the_row_exits_non_zero_and_keeps_the_values(
    bad_kpi: Kpi,
) -> None:
    before = stored(bad_kpi)

    out, error = sync_failing(kpi=bad_kpi.pk)

    assert "✗ Refunds: row 3: value:" in out
    assert "0 synced, 1 failed, 0 skipped" in out
    assert error == "some sources failed (see above)"
    assert stored(bad_kpi) == before
    assert SyncRun.objects.get().status == RunStatus.FAILED


def test_all_syncs_every_active_pulled_source_and_fails_if_one_does(
    kpi: Kpi, good: DataSource, bad_kpi: Kpi, world: World, files: Path
) -> None:
    paused = create_kpi(
        actor=world.admin, team=world.sales, name="Paused", frequency="daily", target=10
    )
    csv_source(paused, write_csv(files / "paused.csv", GOOD_ROWS))
    DataSource.objects.filter(kpi=paused).update(is_active=False)
    pushed = create_kpi(
        actor=world.admin, team=world.sales, name="Pushed", frequency="daily", target=10
    )
    services.create_source(
        actor=None,
        kpi=pushed,
        configuration=services.configure(kpi=pushed, kind="push", values={}),
    )

    out, _ = sync_failing(all=True)

    assert "✓ Signed deals: 2 rows, 2 new, 0 updated" in out
    assert "✗ Refunds: row 3: value:" in out
    assert "1 synced, 1 failed, 0 skipped: 2 values created, 0 updated." in out
    assert "Paused" not in out
    assert "Pushed" not in out
    assert SyncRun.objects.count() == 2


def test_without_options_only_the_sources_that_are_due_sync(
    kpi: Kpi, good: DataSource, world: World, files: Path
) -> None:
    later = create_kpi(
        actor=world.admin, team=world.sales, name="Later", frequency="daily", target=10
    )
    csv_source(later, write_csv(files / "later.csv", GOOD_ROWS))
    DataSource.objects.filter(kpi=later).update(next_run_at=NOW + dt.timedelta(hours=1))
    DataSource.objects.filter(kpi=kpi).update(next_run_at=NOW - dt.timedelta(minutes=1))

    with time_machine.travel(NOW, tick=False):
        out, _ = sync()
        again, _ = sync()

    assert "✓ Signed deals" in out
    assert "Later" not in out
    # The source that just ran is next due in an hour: nothing is due any more.
    assert again.strip() == "Nothing to sync."


def test_nothing_to_sync_without_any_source(world: World) -> None:
    out, _ = sync()
    assert out.strip() == "Nothing to sync."
    out, _ = sync(all=True)
    assert out.strip() == "Nothing to sync."


def test_a_kpi_without_a_source_is_an_error_naming_kpi(kpi: Kpi) -> None:
    _, error = sync_failing(kpi=kpi.pk)
    assert error == f"kpi: KPI {kpi.pk} has no data source"
    _, error = sync_failing(kpi=999999)
    assert error == "kpi: KPI 999999 has no data source"


def test_a_push_source_is_an_error_naming_kpi(kpi: Kpi) -> None:
    services.create_source(
        actor=None, kpi=kpi, configuration=services.configure(kpi=kpi, kind="push", values={})
    )
    _, error = sync_failing(kpi=kpi.pk)
    assert error.startswith("kpi: ")
    assert "pushed over the API" in error


def test_a_source_already_syncing_is_skipped(kpi: Kpi, good: DataSource) -> None:
    running = services.request_sync(actor=None, source=good, trigger=RunTrigger.SCHEDULE)

    out, _ = sync(kpi=kpi.pk)

    assert "… Signed deals: already syncing elsewhere, skipped" in out
    assert "0 synced, 0 failed, 1 skipped" in out
    assert list(SyncRun.objects.values_list("pk", flat=True)) == [running.pk]


def test_kpi_and_all_cannot_be_given_together(kpi: Kpi) -> None:
    with pytest.raises(CommandError, match="not allowed with"):
        call_command("sync", "--kpi", str(kpi.pk), "--all", stdout=StringIO())


def test_the_progress_bar_redraws_one_line_on_stderr(
    kpi: Kpi, good: DataSource, bad_kpi: Kpi
) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("sync", all=True, stdout=StringIO(), stderr=err)

    bar = err.getvalue()
    assert "2/2" in bar
    assert "source" in bar
    assert "\r" in bar
    # A redraw is a carriage return, not a new line per refresh.
    assert bar.count("\n") <= 1


# --- For real, in a subprocess -----------------------------------------------------------------

GOALKEEPER = [sys.executable, "-m", "goalkeeper.cli"]

# Writes the fixture data through the ORM, into the data directory's SQLite file.
SETUP = """
import datetime as dt, json, sys
import django
django.setup()
from goalkeeper.accounts.services import company_team, create_workspace
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.sources import services
workspace = create_workspace(name="Acme")
team = company_team(workspace)
ids = {}
for name, path in json.loads(sys.argv[1]).items():
    kpi = create_kpi(actor=None, team=team, name=name, frequency="daily", target=10)
    first = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    record_measurements(actor=None, kpi=kpi, points=[(first, 1.0)])
    values = {"location": path, "timestamp_column": "date", "value_column": "value"}
    configuration = services.configure(kpi=kpi, kind="csv", values=values)
    services.create_source(actor=None, kpi=kpi, configuration=configuration)
    ids[name] = kpi.pk
print(json.dumps(ids))
"""


def cli_env(data_dir: Path, files: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        GOALKEEPER_DATA_DIR=str(data_dir),
        SOURCE_FILE_ROOTS=str(files),
        DJANGO_SETTINGS_MODULE="goalkeeper.settings",
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [*GOALKEEPER, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def values_of(data_dir: Path, kpi_id: int) -> list[tuple[str, float]]:
    with sqlite3.connect(data_dir / "goalkeeper.sqlite3") as db:
        return db.execute(
            "SELECT timestamp, value FROM kpis_measurement WHERE kpi_id = ? ORDER BY timestamp",
            (kpi_id,),
        ).fetchall()


def test_goalkeeper_sync_for_real_syncs_one_kpi_then_reports_a_failing_one(
    tmp_path: Path,
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, files)
    good = write_csv(files / "deals.csv", GOOD_ROWS)
    bad = write_csv(files / "refunds.csv", BAD_ROWS)
    assert run(env, "migrate", "-v0").returncode == 0
    setup = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP, json.dumps({"Deals": str(good), "Refunds": str(bad)})],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ids = json.loads(setup.stdout.strip().splitlines()[-1])
    refunds_before = values_of(data_dir, ids["Refunds"])

    synced = run(env, "sync", "--kpi", str(ids["Deals"]))

    assert synced.returncode == 0, synced.stderr
    assert "✓ Deals: 2 rows, 2 new, 0 updated" in synced.stdout
    assert "1 synced, 0 failed, 0 skipped: 2 values created, 0 updated." in synced.stdout
    assert "1/1" in synced.stderr  # the progress bar
    assert len(values_of(data_dir, ids["Deals"])) == 3

    failed = run(env, "sync", "--kpi", str(ids["Refunds"]), "--no-progress")

    assert failed.returncode != 0
    assert "✗ Refunds: row 3: value:" in failed.stdout
    assert "some sources failed" in failed.stderr
    assert values_of(data_dir, ids["Refunds"]) == refunds_before

    missing = run(env, "sync", "--kpi", "999999")
    assert missing.returncode != 0
    assert "kpi: KPI 999999 has no data source" in missing.stderr


def test_goalkeeper_sync_for_real_with_nothing_due(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    # A fresh data directory: the command migrates it first, then finds nothing to do.
    result = run(cli_env(tmp_path / "data", files), "sync")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Nothing to sync."
