"""Every data source endpoint runs as many SQL queries with 25 sources or runs as with 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi
from goalkeeper.sources import services
from goalkeeper.sources.models import ConnectionTest, DataSource, RunStatus, RunTrigger, SyncRun
from tests.conftest import World
from tests.sources.api.conftest import SourceApi
from tests.sources.conftest import csv_source, write_csv

# A generous ceiling: the point is that the count does not grow with the data.
MOST = 30


def count_queries(call: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return len(captured), answer


def add_sources(world: World, files: Path, size: int, tag: str) -> list[DataSource]:
    """`size` more KPIs with a CSV source each, and a finished run for each."""
    sources = []
    for i in range(size):
        kpi = create_kpi(actor=None, team=world.sales, name=f"KPI {tag}{i}", target=1)
        path = write_csv(files / f"{tag}{i}.csv", [("2026-11-01", str(i))])
        source = csv_source(kpi, path)
        add_runs(source, 1)
        sources.append(source)
    return sources


def add_runs(source: DataSource, size: int) -> None:
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    first = SyncRun.objects.filter(source=source).count()
    SyncRun.objects.bulk_create(
        [
            SyncRun(
                source=source,
                workspace_id=source.workspace_id,
                trigger=RunTrigger.SCHEDULE,
                status=RunStatus.FAILED,
                due_at=start + dt.timedelta(hours=i),
                queued_at=start + dt.timedelta(hours=i),
                error="row 2: value: not a number",
            )
            for i in range(first, first + size)
        ]
    )


@pytest.fixture
def admin(api_as: Callable[..., SourceApi], world: World) -> SourceApi:
    client = api_as(world.admin)
    client.get("/me")  # the token's first use writes its last_used_at: not the endpoint's cost
    return client


def test_listing_sources_costs_the_same_for_1_or_25(
    world: World, files: Path, admin: SourceApi
) -> None:
    add_sources(world, files, 1, "a")
    small, answer = count_queries(lambda: admin.get("/sources"))
    assert answer.json["count"] == 1
    add_sources(world, files, 24, "b")
    large, answer = count_queries(lambda: admin.get("/sources"))
    assert answer.json["count"] == 25
    assert small == large <= MOST


def test_listing_runs_costs_the_same_for_1_or_25(
    kpi: Kpi, world: World, files: Path, admin: SourceApi
) -> None:
    source = csv_source(kpi, write_csv(files / "k.csv", [("2026-11-01", "1")]))
    add_runs(source, 1)
    small, answer = count_queries(lambda: admin.get(f"/kpis/{kpi.pk}/source/runs"))
    assert answer.json["count"] == 1
    SyncRun.objects.all().delete()
    add_runs(source, 25)
    large, answer = count_queries(lambda: admin.get(f"/kpis/{kpi.pk}/source/runs"))
    assert answer.json["count"] == 25
    assert small == large <= MOST


def _calls(kpi: Kpi, path: Path) -> list[tuple[str, Callable[[SourceApi], Any], int]]:
    body = {
        "kind": "csv",
        "settings": {"location": str(path), "timestamp_column": "date", "value_column": "value"},
    }
    return [
        ("get source", lambda api: api.get(f"/kpis/{kpi.pk}/source"), 200),
        ("get runs", lambda api: api.get(f"/kpis/{kpi.pk}/source/runs"), 200),
        ("create", lambda api: api.put(f"/kpis/{kpi.pk}/source", body), 201),
        (
            "replace",
            lambda api: api.put(f"/kpis/{kpi.pk}/source", {**body, "is_active": False}),
            200,
        ),
        ("test", lambda api: api.post(f"/kpis/{kpi.pk}/source/test", {}), 202),
        ("get test", lambda api: api.get(f"/sources/tests/{_last_test(kpi)}"), 200),
        ("sync", lambda api: api.post(f"/kpis/{kpi.pk}/source/sync"), 202),
        ("in progress", lambda api: api.post(f"/kpis/{kpi.pk}/source/sync"), 409),
        ("get run", lambda api: api.get(f"/sources/runs/{_last_run(kpi)}"), 200),
        ("delete", lambda api: api.delete(f"/kpis/{kpi.pk}/source"), 204),
    ]


def _last_test(kpi: Kpi) -> int:
    return ConnectionTest.objects.filter(kpi=kpi).values_list("pk", flat=True)[0]


def _last_run(kpi: Kpi) -> int:
    return SyncRun.objects.filter(source__kpi=kpi).values_list("pk", flat=True)[0]


def _round(world: World, files: Path, admin: SourceApi, tag: str) -> dict[str, int]:
    kpi = create_kpi(actor=None, team=world.sales, name=f"Target {tag}", target=1)
    path = write_csv(files / f"target-{tag}.csv", [("2026-11-01", "1"), ("2026-11-02", "2")])
    counts = {}
    for name, call, status in _calls(kpi, path):
        if name == "get source":
            csv_source(kpi, path)
            add_runs(DataSource.objects.get(kpi=kpi), 3)
        if name == "create":
            DataSource.objects.filter(kpi=kpi).delete()
        counts[name], answer = count_queries(lambda call=call: call(admin))
        assert answer.status_code == status, (name, answer.json)
    return counts


def test_each_endpoint_costs_the_same_in_a_grown_workspace(
    world: World, files: Path, admin: SourceApi, settings: Any
) -> None:
    settings.SOURCE_TEST_MAX_PENDING = 2  # one test in each round, the first still queued
    small = _round(world, files, admin, "small")
    for source in add_sources(world, files, 25, "grown"):
        add_runs(source, 5)
    large = _round(world, files, admin, "large")
    assert small == large
    assert max(small.values()) <= MOST, small


def test_a_pushed_batch_costs_the_same_with_1_or_25_runs(
    kpi: Kpi, api_as: Callable[..., SourceApi], world: World
) -> None:
    configuration = services.configure(kpi=kpi, kind="push", values={})
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    editor = api_as(world.editor)

    def push(day: int) -> Any:
        return editor.post(
            f"/kpis/{kpi.pk}/measurements",
            [{"timestamp": f"2026-11-{day:02d}T00:00:00Z", "value": day}],
        )

    push(1)  # the first value and the token's first use cost more, whatever the runs
    small, answer = count_queries(lambda: push(2))
    assert answer.status_code == 200
    SyncRun.objects.bulk_create(
        [
            SyncRun(source=source, workspace_id=source.workspace_id, trigger=RunTrigger.PUSH)
            for _ in range(24)
        ]
    )
    large, answer = count_queries(lambda: push(3))
    assert answer.status_code == 200
    assert small == large
    assert SyncRun.objects.filter(source=source).count() == 27
