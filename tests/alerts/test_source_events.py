"""The sources app says when a source breaks and when it heals: `source.broken` and
`source.recovered`, emitted inside the run's transaction and offered to webhooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import time_machine

from goalkeeper import events
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource, RunTrigger
from goalkeeper.webhooks.models import EVENTS
from tests.sources.conftest import csv_source, write_csv

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def run_now(source: DataSource) -> None:
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    services.execute(run.pk)


def break_source(source: DataSource, times: int) -> list[events.Event]:
    with events.recorded() as seen:
        for attempt in range(times):
            with time_machine.travel(NOW + dt.timedelta(hours=attempt), tick=False):
                run_now(source)
    return [event for event in seen if event.name.startswith("source.")]


def test_a_source_failing_enough_times_emits_source_broken_once(
    deals: Kpi, files: Path, settings: Any
):
    settings.SOURCE_BROKEN_AFTER = 3
    source = csv_source(deals, write_csv(files / "deals.csv", [("2026-11-01", "oops")]))

    emitted = break_source(source, 4)

    assert [event.name for event in emitted] == ["source.broken"]
    payload = emitted[0].payload["source"]
    assert (payload["id"], payload["kpi"], payload["kind"], payload["status"]) == (
        source.pk,
        deals.pk,
        "csv",
        "broken",
    )
    assert "row 2" in payload["error"]
    assert emitted[0].workspace_id == deals.workspace_id


def test_a_broken_source_that_succeeds_emits_source_recovered(
    deals: Kpi, files: Path, settings: Any
):
    settings.SOURCE_BROKEN_AFTER = 2
    path = write_csv(files / "deals.csv", [("2026-11-01", "oops")])
    source = csv_source(deals, path)
    break_source(source, 2)
    write_csv(path, [("2026-11-01", "1")])

    with events.recorded() as seen:
        run_now(source)

    names = [event.name for event in seen if event.name.startswith("source.")]
    assert names == ["source.recovered"]


def test_a_failing_source_not_yet_broken_emits_nothing(deals: Kpi, files: Path, settings: Any):
    settings.SOURCE_BROKEN_AFTER = 3
    source = csv_source(deals, write_csv(files / "deals.csv", [("2026-11-01", "oops")]))

    assert break_source(source, 2) == []


def test_webhooks_offer_the_source_events():
    assert {"source.broken", "source.recovered"} <= set(EVENTS)
