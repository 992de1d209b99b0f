"""Every source page runs the same few SQL queries with 1 or 30 runs, sources or broken KPIs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source
from tests.sources.web.conftest import HTMX

# Session, user and person come first on every page; the page's own reads follow.
MAX_QUERIES = 10


def count(client: Client, visit: Callable[[Client], object]) -> int:
    visit(client)  # sessions and the workspace settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = visit(client)
    assert getattr(response, "status_code", None) == 200
    return len(captured)


def add_runs(source: DataSource, how_many: int) -> None:
    start = timezone.now() - dt.timedelta(days=2)
    SyncRun.objects.bulk_create(
        SyncRun(
            source=source,
            workspace_id=source.workspace_id,
            trigger=RunTrigger.MANUAL,
            requested_by=source.created_by,
            status=RunStatus.FAILED if n % 3 == 0 else RunStatus.SUCCEEDED,
            queued_at=start + dt.timedelta(minutes=n),
            started_at=start + dt.timedelta(minutes=n),
            finished_at=start + dt.timedelta(minutes=n, seconds=3),
            error="boom" if n % 3 == 0 else "",
        )
        for n in range(how_many)
    )


def add_sources(world: World, files: Path, how_many: int, offset: int = 0) -> list[Kpi]:
    kpis = []
    for n in range(offset, offset + how_many):
        kpi = create_kpi(
            actor=None, team=world.sales, name=f"KPI {n}", target=10, owner=world.editor
        )
        source = csv_source(kpi, files / f"{n}.csv", actor=world.admin)
        status = [SourceStatus.BROKEN, SourceStatus.OK, SourceStatus.FAILING][n % 3]
        DataSource.objects.filter(pk=source.pk).update(status=status, last_error="boom")
        add_runs(source, 2)
        kpis.append(kpi)
    return kpis


def test_the_source_page_reads_the_same_with_1_or_30_runs(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    source = csv_source(kpi, deals_csv, actor=world.admin)
    url = reverse("source_detail", args=[kpi.pk])
    client = world.client_for(world.admin)
    add_runs(source, 1)
    few = count(client, lambda c: c.get(url))
    live = count(client, lambda c: c.get(url, HTTP_HX_TARGET="source-live", **HTMX))
    add_runs(source, 29)
    many = count(client, lambda c: c.get(url))
    assert few == many <= MAX_QUERIES
    assert live <= few  # the live part has no sidebar
    print(f"source_detail: {few} queries with 1 run, {many} with 30")


def test_the_source_page_without_a_source_is_a_few_queries(world: World, kpi: Kpi) -> None:
    client = world.client_for(world.viewer)
    assert count(client, lambda c: c.get(reverse("source_detail", args=[kpi.pk]))) <= 8


def test_the_list_of_sources_reads_the_same_with_1_or_30_sources(world: World, files: Path) -> None:
    client = world.client_for(world.viewer)
    add_sources(world, files, 1)
    few = count(client, lambda c: c.get(reverse("sources")))
    add_sources(world, files, 29, offset=1)
    many = count(client, lambda c: c.get(reverse("sources")))
    assert few == many <= MAX_QUERIES
    print(f"sources: {few} queries with 1 source, {many} with 30")


def test_the_form_pages_are_a_few_queries(world: World, kpi: Kpi, deals_csv: Path) -> None:
    source = csv_source(kpi, deals_csv)
    add_runs(source, 30)
    client = world.client_for(world.admin)
    edit = count(client, lambda c: c.get(reverse("source_edit", args=[kpi.pk])))
    fields = count(
        client, lambda c: c.get(reverse("source_fields", args=[kpi.pk]), {"kind": "csv"}, **HTMX)
    )
    run = SyncRun.objects.filter(source=source).first()
    assert run is not None
    progress = count(client, lambda c: c.get(reverse("source_run", args=[run.pk]), **HTMX))
    assert max(edit, fields, progress) <= MAX_QUERIES


def test_the_board_and_the_kpi_page_read_the_same_with_1_or_30_sources(
    world: World, files: Path
) -> None:
    client = world.client_for(world.viewer)
    first = add_sources(world, files, 1)[0]
    board_few = count(client, lambda c: c.get(reverse("kpis")))
    page_few = count(client, lambda c: c.get(reverse("kpi_detail", args=[first.pk])))
    add_sources(world, files, 29, offset=1)
    board_many = count(client, lambda c: c.get(reverse("kpis")))
    page_many = count(client, lambda c: c.get(reverse("kpi_detail", args=[first.pk])))
    assert board_few == board_many
    assert page_few == page_many


def test_home_reads_the_same_with_1_or_30_broken_sources(world: World, files: Path) -> None:
    client = world.client_for(world.editor)
    add_sources(world, files, 1)
    few = count(client, lambda c: c.get(reverse("home")))
    add_sources(world, files, 29, offset=1)
    many = count(client, lambda c: c.get(reverse("home")))
    html = client.get(reverse("home")).content.decode()
    assert html.count("is broken</strong>") == 10  # KPI 0, 3, 6... 27
    assert few == many
