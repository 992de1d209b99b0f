"""Data source alerts end to end: a push source gone silent, a source broken and healed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import time_machine
from django.urls import reverse

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import record_measurements
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource, RunTrigger
from tests.alerts.conftest import DAY, START, Clock, items, sweep
from tests.conftest import World
from tests.sources.conftest import csv_source, write_csv

HOUR = DAY / 24


def push_source(kpi: Kpi, actor: Any) -> DataSource:
    configuration = services.configure(kpi=kpi, kind="push", values={})
    return services.create_source(actor=actor, kpi=kpi, configuration=configuration)


def push(world: World, kpi: Kpi, value: float) -> None:
    """A batch pushed over the REST API (recorded as the push source's run)."""
    record_measurements(
        actor=world.admin, kpi=kpi, points=[(dt.datetime.now(dt.UTC), value)], source="api"
    )


def test_a_push_source_silent_for_two_periods_alerts_its_owner_once(
    world: World, deals: Kpi, clock: Clock
):
    source = push_source(deals, world.admin)
    push(world, deals, 12)
    clock.at(START + 2 * DAY - HOUR)
    sweep()
    assert items("source_silent") == []

    clock.at(START + 2 * DAY + HOUR)
    sweep()
    clock.at(START + 3 * DAY)
    sweep()

    [item] = items("source_silent")
    assert (item.person, item.key, item.open) == (
        world.admin.pk,
        f"source:{source.pk}:{START.isoformat()}",
        True,
    )
    assert item.title == "Nothing pushed to Signed deals since 4 Nov 2026"
    assert item.url == reverse("source_detail", args=[deals.pk])


def test_data_arriving_clears_the_silence_and_a_new_silence_alerts_again(
    world: World, deals: Kpi, clock: Clock
):
    source = push_source(deals, None)  # no creator: the KPI's owner answers for it
    clock.at(START + 3 * DAY)
    sweep()
    [first] = items("source_silent")
    assert first.person == world.owner.pk

    clock.at(START + 4 * DAY)
    push(world, deals, 14)
    assert [item.open for item in items("source_silent")] == [False]

    clock.at(START + 7 * DAY)
    sweep()
    second = items("source_silent")[-1]
    assert (second.key, second.open) == (
        f"source:{source.pk}:{(START + 4 * DAY).isoformat()}",
        True,
    )


def test_a_pulled_source_is_never_silent(world: World, deals: Kpi, clock: Clock, files: Path):
    csv_source(deals, write_csv(files / "deals.csv", [("2026-11-01", "1")]))
    clock.at(START + 30 * DAY)
    sweep()

    assert items("source_silent") == []


def run_now(source: DataSource) -> None:
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    services.execute(run.pk)


def test_a_broken_source_alerts_its_creator_and_the_kpi_watchers_until_it_heals(
    world: World, deals: Kpi, files: Path, settings: Any
):
    settings.SOURCE_BROKEN_AFTER = 2
    path = write_csv(files / "deals.csv", [("2026-11-01", "oops")])
    source = csv_source(deals, path, actor=world.admin)
    for attempt in range(3):
        with time_machine.travel(START + attempt * HOUR, tick=False):
            run_now(source)

    told = items("source_broken")
    # The creator, the KPI's owner and the Sales lead (who watch the KPI by default).
    assert {item.person for item in told} == {world.admin.pk, world.owner.pk, world.editor.pk}
    assert {item.key for item in told} == {f"source:{source.pk}:broken"}
    assert told[0].title == "The data source of Signed deals is broken"

    write_csv(path, [("2026-11-01", "1")])
    run_now(source)

    assert [item.open for item in items("source_broken")] == [False, False, False]
