"""Sync now: a run is queued and handed to a worker; its progress is polled every second
while it works, and the final result stops the polling and refreshes the history."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source
from tests.sources.web.conftest import HTMX

POLLING = re.compile(r'hx-trigger="every 1s"')


@pytest.fixture
def source(kpi: Kpi, deals_csv: Path) -> DataSource:
    return csv_source(kpi, deals_csv, interval=15)


def sync(world: World, kpi: Kpi, htmx: bool = True, client: Client | None = None) -> HttpResponse:
    client = client or world.client_for(world.admin)
    return client.post(reverse("source_sync", args=[kpi.pk]), **(HTMX if htmx else {}))


def poll(world: World, run: SyncRun, person: Person | None = None) -> HttpResponse:
    client = world.client_for(person or world.viewer)
    return client.get(reverse("source_run", args=[run.pk]), **HTMX)


def test_sync_now_writes_the_values_and_shows_the_result(
    world: World, kpi: Kpi, source: DataSource, huey_immediate: None
) -> None:
    response = sync(world, kpi)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "source-synced"
    assert 'data-testid="sync-result">3 new, 0 updated<' in html
    assert "3 read" in html
    assert not POLLING.search(html)
    assert Measurement.objects.filter(kpi=kpi).count() == 3
    run = SyncRun.objects.get()
    assert (run.trigger, run.requested_by, run.status) == (
        RunTrigger.MANUAL,
        world.admin,
        RunStatus.SUCCEEDED,
    )


def test_the_history_shows_the_run_after_a_sync(
    world: World, kpi: Kpi, source: DataSource, huey_immediate: None
) -> None:
    sync(world, kpi)
    client = world.client_for(world.viewer)
    response = client.get(
        reverse("source_detail", args=[kpi.pk]), HTTP_HX_TARGET="source-live", **HTMX
    )
    html = response.content.decode()
    assert "<html" not in html  # only the live part of the page
    assert 'data-status="succeeded"' in html
    assert "Sync now" in html  # the trigger's name
    assert "by Ada Admin" in html
    assert 'hx-swap-oob="true"' in html  # the header's badge comes along
    assert "Healthy" in html


def test_sync_now_without_javascript_redirects_with_the_result(
    world: World, kpi: Kpi, source: DataSource, huey_immediate: None
) -> None:
    client = world.client_for(world.admin)
    response = sync(world, kpi, htmx=False, client=client)
    assert response.status_code == 302
    assert response["Location"] == reverse("source_detail", args=[kpi.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Sync finished: 3 new, 0 updated (3 read)." in page


def test_progress_polls_while_queued_then_running_and_stops_when_finished(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    # No worker in this test: the run waits in the queue until we carry it out.
    response = sync(world, kpi)
    html = response.content.decode()
    assert response["HX-Trigger"] == "source-synced"  # the history shows the queued run
    assert POLLING.search(html)
    assert "Waiting for a worker" in html
    run = SyncRun.objects.get()
    assert f'hx-get="{reverse("source_run", args=[run.pk])}"' in html

    response = poll(world, run)
    assert "HX-Trigger" not in response  # nothing new to show until it finishes
    SyncRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, phase="Writing 1,200 values", started_at=timezone.now()
    )
    html = poll(world, run).content.decode()
    assert POLLING.search(html)
    assert "Writing 1,200 values" in html
    assert 'role="progressbar"' in html

    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, phase="")
    services.execute(run.pk)
    response = poll(world, run)
    html = response.content.decode()
    assert not POLLING.search(html)
    assert response["HX-Trigger"] == "source-synced"
    assert "3 new, 0 updated" in html


def test_a_run_waiting_long_for_a_worker_says_to_check_the_worker(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    sync(world, kpi)
    run = SyncRun.objects.get()
    assert "goalkeeper worker" not in poll(world, run).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert "goalkeeper worker" in poll(world, run).content.decode()


def test_sync_now_during_a_run_shows_that_run(world: World, kpi: Kpi, source: DataSource) -> None:
    first = services.request_sync(actor=None, source=source, trigger=RunTrigger.SCHEDULE)
    response = sync(world, kpi)

    assert response.status_code == 200
    assert f'data-run-id="{first.pk}"' in response.content.decode()
    assert SyncRun.objects.count() == 1


def test_a_failed_sync_says_why_in_red_and_writes_nothing(
    world: World, kpi: Kpi, files: Path, huey_immediate: None
) -> None:
    path = files / "bad.csv"
    path.write_text("date,value\n2026-11-01,10\n2026-11-02,lots\n")
    csv_source(kpi, path)

    html = sync(world, kpi).content.decode()

    assert 'data-status="failed"' in html
    assert 'data-tone="red"' in html
    assert "row 3: value:" in html
    assert not Measurement.objects.exists()
    page = world.client_for(world.viewer).get(reverse("source_detail", args=[kpi.pk]))
    row = re.search(r'<tr class="source-run[^"]*"[^>]*>', page.content.decode())
    assert row is not None
    assert 'data-tone="red"' in row.group(0)


def test_the_source_page_shows_a_run_in_progress(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    services.request_sync(actor=None, source=source, trigger=RunTrigger.SCHEDULE)
    html = world.client_for(world.viewer).get(reverse("source_detail", args=[kpi.pk])).content
    assert POLLING.search(html.decode())


def test_the_run_page_works_without_javascript(
    world: World, kpi: Kpi, source: DataSource, huey_immediate: None
) -> None:
    sync(world, kpi)
    run = SyncRun.objects.get()
    html = world.client_for(world.viewer).get(reverse("source_run", args=[run.pk])).content
    text = html.decode()
    assert "<html" in text
    assert f"Sync run of {kpi.name}" in text
    assert "3 new, 0 updated" in text


def test_a_push_source_cannot_be_synced(world: World, kpi: Kpi) -> None:
    configuration = services.configure(kpi=kpi, kind="push", values={})
    services.create_source(actor=None, kpi=kpi, configuration=configuration)
    html = sync(world, kpi).content.decode()
    assert 'data-testid="sync-refused"' in html
    assert "push source is not pulled" in html
    assert not SyncRun.objects.exists()


def test_sync_now_without_a_source_says_so(world: World, kpi: Kpi) -> None:
    client = world.client_for(world.admin)
    response = sync(world, kpi, htmx=False, client=client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This KPI has no data source to sync." in page


def test_three_failures_mark_the_source_broken_in_red(
    world: World, kpi: Kpi, files: Path, huey_immediate: None
) -> None:
    csv_source(kpi, files / "missing.csv")
    for _ in range(3):
        sync(world, kpi)
    source = DataSource.objects.get()
    assert source.status == SourceStatus.BROKEN
    html = world.client_for(world.viewer).get(reverse("source_detail", args=[kpi.pk])).content
    text = html.decode()
    assert 'data-testid="source-broken"' in text
    assert "This source is broken" in text
    assert source.last_error in text
