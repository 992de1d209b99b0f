"""A sync run writes all its rows or none, says which row was wrong, and backs off."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import record_measurements
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source, write_csv

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def day(number: int) -> dt.datetime:
    return dt.datetime(2026, 11, number, tzinfo=dt.UTC)


def stored(kpi: Kpi) -> dict[dt.datetime, float]:
    return dict(Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value"))


def run_now(source: DataSource) -> SyncRun:
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    done = services.execute(run.pk)
    assert done is not None
    return done


@pytest.fixture
def history(kpi: Kpi, world: World) -> dict[dt.datetime, float]:
    """Values typed by hand before the source existed; a failed run must not touch them."""
    record_measurements(actor=world.admin, kpi=kpi, points=[(day(1), 5.0), (day(2), 6.0)])
    return stored(kpi)


# --- Success ---------------------------------------------------------------------------------


def test_a_run_writes_every_row_and_records_what_it_did(kpi: Kpi, files: Path) -> None:
    path = write_csv(files / "deals.csv", [("2026-11-01", "10"), ("2026-11-02", "12.5")])
    source = csv_source(kpi, path, interval=30)
    with time_machine.travel(NOW, tick=False):
        run = run_now(source)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_fetched, run.rows_created, run.rows_updated) == (2, 2, 0)
    assert run.started_at == run.finished_at == NOW
    assert run.worker
    assert stored(kpi) == {day(1): 10.0, day(2): 12.5}
    source.refresh_from_db()
    assert source.status == SourceStatus.OK
    assert source.cursor == day(2)
    assert source.next_run_at == NOW + dt.timedelta(minutes=30)
    assert source.claimed_until is None
    kpi.refresh_from_db()
    assert kpi.last_source == "csv sync"


def test_the_next_run_reads_from_the_cursor_and_updates_a_corrected_value(
    kpi: Kpi, files: Path
) -> None:
    path = write_csv(files / "deals.csv", [("2026-11-01", "10"), ("2026-11-02", "12")])
    source = csv_source(kpi, path)
    run_now(source)
    write_csv(path, [("2026-11-01", "99"), ("2026-11-02", "13"), ("2026-11-03", "14")])
    run = run_now(source)
    # Rows before the cursor are not read again: day 1 keeps its value; day 2 is corrected.
    assert (run.rows_fetched, run.rows_created, run.rows_updated) == (2, 1, 1)
    assert stored(kpi) == {day(1): 10.0, day(2): 13.0, day(3): 14.0}


# --- Failures leave stored values untouched -------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (
            [("2026-11-01", "10"), ("2026-11-02", "n/a"), ("2026-11-03", "7")],
            "date,value",
            "row 3: value: “n/a” is not a number",
        ),
        (
            [("2026-11-01", "10"), ("2026-11-02", "11"), ("2026-11-01", "12")],
            "date,value",
            "row 4: timestamp 2026-11-01T00:00:00+00:00 appears twice (also row 2)",
        ),
        (
            [("2026-11-01", "10"), ("first of May", "11")],
            "date,value",
            "row 3: timestamp:",
        ),
        ([("2026-11-01", "10")], "when,amount_eur", "timestamp_column"),
    ],
    ids=["text-for-a-number", "duplicate-timestamp", "bad-date", "missing-column"],
)
def test_a_bad_row_fails_the_whole_run_naming_the_row(
    kpi: Kpi,
    files: Path,
    history: dict[dt.datetime, float],
    rows: list[tuple[str, str]],
    header: str,
    message: str,
) -> None:
    source = csv_source(kpi, write_csv(files / "deals.csv", rows, header=header))
    run = run_now(source)
    assert run.status == RunStatus.FAILED
    assert message in run.error
    assert (run.rows_created, run.rows_updated) == (0, 0)
    assert stored(kpi) == history


def test_a_source_that_is_down_fails_and_keeps_the_values(
    kpi: Kpi, files: Path, history: dict[dt.datetime, float]
) -> None:
    source = csv_source(kpi, write_csv(files / "deals.csv", [("2026-11-01", "1")]))
    (files / "deals.csv").unlink()
    run = run_now(source)
    assert run.status == RunStatus.FAILED
    assert "deals.csv" in run.error
    assert stored(kpi) == history


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_source_that_times_out_fails_within_the_setting(
    kpi: Kpi,
    files: Path,
    history: dict[dt.datetime, float],
    late_httpserver: HTTPServer,
    settings: Any,
) -> None:
    settings.SOURCE_TIMEOUT_SECONDS = 1

    def slow(request: Request) -> Response:
        time.sleep(3)
        return Response("date,value\n2026-11-01,1\n", content_type="text/csv")

    late_httpserver.expect_request("/deals.csv").respond_with_handler(slow)
    configuration = services.configure(
        kpi=kpi,
        kind="csv",
        values={
            "location": late_httpserver.url_for("/deals.csv"),
            "timestamp_column": "date",
            "value_column": "value",
        },
    )
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    started = time.monotonic()
    run = run_now(source)
    assert time.monotonic() - started < 2.9
    assert run.status == RunStatus.FAILED
    assert "did not answer in time" in run.error
    assert stored(kpi) == history


def test_a_failure_while_writing_rolls_every_row_back(
    kpi: Kpi, files: Path, history: dict[dt.datetime, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(files / "deals.csv", [("2026-11-02", "60"), ("2026-11-03", "70")])
    source = csv_source(kpi, path)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # The rows are written first, then the run is marked done in the same transaction;
    # a crash at that point must take the rows with it.
    monkeypatch.setattr(services, "_succeed", crash)
    run = run_now(source)
    assert run.status == RunStatus.FAILED
    assert run.error == "unexpected error: RuntimeError: disk full"
    assert stored(kpi) == history


# --- Retries, backoff and broken ------------------------------------------------------------


def test_failures_back_off_then_mark_the_source_broken_and_a_success_heals_it(
    kpi: Kpi, files: Path, settings: Any
) -> None:
    settings.SOURCE_RETRY_SECONDS = 60
    path = write_csv(files / "deals.csv", [("2026-11-01", "oops")])
    source = csv_source(kpi, path, interval=60)
    expected = [
        (SourceStatus.FAILING, dt.timedelta(minutes=1)),
        (SourceStatus.FAILING, dt.timedelta(minutes=2)),
        (SourceStatus.BROKEN, dt.timedelta(minutes=60)),
        (SourceStatus.BROKEN, dt.timedelta(minutes=60)),
    ]
    for failures, (status, delay) in enumerate(expected, start=1):
        with time_machine.travel(NOW + failures * DAY, tick=False):
            run_now(source)
        source.refresh_from_db()
        assert (source.status, source.consecutive_failures) == (status, failures)
        assert source.next_run_at == NOW + failures * DAY + delay
        assert "row 2" in source.last_error
    broken = AuditEntry.objects.filter(action="source.broken", object_id=kpi.pk)
    assert broken.count() == 1

    write_csv(path, [("2026-11-01", "1")])
    run_now(source)
    source.refresh_from_db()
    assert (source.status, source.consecutive_failures, source.last_error) == (
        SourceStatus.OK,
        0,
        "",
    )
    assert AuditEntry.objects.filter(action="source.recovered", object_id=kpi.pk).count() == 1


def test_retry_delay_doubles_and_never_passes_the_interval(settings: Any) -> None:
    settings.SOURCE_RETRY_SECONDS = 30
    hour = dt.timedelta(hours=1)
    delays = [services.retry_delay(n, hour).total_seconds() for n in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600]


# --- Scheduling: claims, leases, one run per slot -------------------------------------------


def test_due_sources_are_claimed_once_and_paused_or_pushed_ones_never(
    kpi: Kpi, world: World, files: Path
) -> None:
    from goalkeeper.kpis.services import create_kpi

    path = write_csv(files / "deals.csv", [("2026-11-01", "1")])
    due = csv_source(kpi, path)
    paused_kpi = create_kpi(actor=None, team=world.sales, name="Paused", target=1)
    paused = csv_source(paused_kpi, path)
    services.update_source(
        actor=None,
        source=paused,
        configuration=services.configure(kpi=paused_kpi, kind="csv", values=paused.settings),
        interval_minutes=60,
        is_active=False,
    )
    pushed_kpi = create_kpi(actor=None, team=world.sales, name="Pushed", target=1)
    services.create_source(
        actor=None,
        kpi=pushed_kpi,
        configuration=services.configure(kpi=pushed_kpi, kind="push", values={}),
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    first = services.claim_due(later)
    assert [SyncRun.objects.get(pk=pk).source_id for pk in first] == [due.pk]
    # A second dispatcher at the same moment finds nothing: the source is held.
    assert services.claim_due(later) == []
    run = SyncRun.objects.get(pk=first[0])
    assert (run.trigger, run.due_at) == (RunTrigger.SCHEDULE, due.next_run_at)
    assert services.execute(run.pk) is not None
    # A duplicated task for the same run does nothing.
    assert services.execute(run.pk) is None
    assert SyncRun.objects.filter(source=due).count() == 1


def test_a_run_nobody_finished_is_failed_when_its_lease_runs_out(kpi: Kpi, files: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        source = csv_source(kpi, write_csv(files / "deals.csv", [("2026-11-01", "1")]))
        [run_id] = services.claim_due(NOW)
    # The worker that took it died; after the lease another dispatch reaps and reschedules.
    later = NOW + services.lease() + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert services.claim_due(later) == []
    run = SyncRun.objects.get(pk=run_id)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("interrupted")
    source.refresh_from_db()
    assert source.consecutive_failures == 1
    assert source.claimed_until is None
    assert source.next_run_at is not None
    assert source.next_run_at > later
    # The late task, if it ever arrives, does nothing.
    assert services.execute(run_id) is None


def test_sync_now_while_a_run_is_queued_returns_that_run(kpi: Kpi, files: Path) -> None:
    source = csv_source(kpi, write_csv(files / "deals.csv", [("2026-11-01", "1")]))
    first = services.request_sync(actor=None, source=source, trigger=RunTrigger.MANUAL)
    with pytest.raises(services.SyncInProgressError) as raised:
        services.request_sync(actor=None, source=source, trigger=RunTrigger.MANUAL)
    assert raised.value.run == first


def test_the_dispatch_job_runs_what_is_due(kpi: Kpi, files: Path, huey_immediate: None) -> None:
    from goalkeeper.sources.tasks import dispatch_due_sources

    csv_source(kpi, write_csv(files / "deals.csv", [("2026-11-01", "4")]))
    dispatch_due_sources.call_local()
    assert stored(kpi) == {day(1): 4.0}
    assert SyncRun.objects.get().status == RunStatus.SUCCEEDED
