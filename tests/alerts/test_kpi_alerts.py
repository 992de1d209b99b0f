"""KPI health alerts end to end, the clock frozen: values recorded through the services,
the worker's sweep run by hand, what people find in their inbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from goalkeeper.accounts.models import Person
from goalkeeper.accounts.services import update_workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.notifications.services import set_watching
from goalkeeper.notifications.subjects import describe_one
from tests.alerts.conftest import (
    DAY,
    GREEN,
    RED,
    START,
    WEEK,
    Clock,
    Record,
    items,
    state,
    sweep,
)
from tests.conftest import World

HOUR = DAY / 24


def sweep_daily(clock: Clock, days: int) -> None:
    """The sweep once a day for `days` days from now (the worker runs it every 10 min)."""
    start = clock.now
    for day in range(1, days + 1):
        clock.at(start + day * DAY)
        sweep()


def test_a_kpi_back_to_its_health_before_the_hold_alerts_nobody(
    churn: Kpi, record: Record, clock: Clock
):
    record(RED)
    sweep_daily(clock, 3)
    record(GREEN)
    sweep_daily(clock, 5)

    assert items("kpi_health") == []


def watch(person: Person, kpi: Kpi, *, watching: bool) -> None:
    info = describe_one(("kpi", kpi.pk))
    assert info is not None
    set_watching(person=person, info=info, watching=watching)


def test_red_held_for_a_week_alerts_the_owner_and_watchers_once(
    world: World, churn: Kpi, record: Record, clock: Clock
):
    watch(world.viewer, churn, watching=True)
    watch(world.admin, churn, watching=True)
    watch(world.admin, churn, watching=False)
    record(RED)
    clock.at(START + WEEK - HOUR)
    sweep()
    assert items("kpi_health") == []

    clock.at(START + WEEK)
    sweep()
    clock.at(START + WEEK + 10 * HOUR / 60)
    sweep()

    told = items("kpi_health")
    assert {item.person for item in told} == {world.editor.pk, world.viewer.pk}
    assert {item.key for item in told} == {f"kpi:{churn.pk}:red"}
    assert len(told) == 2
    assert told[0].title == "Churn rate turned red (4.1% against a target of 3%)"
    assert told[0].url == reverse("kpi_detail", args=[churn.pk])
    assert state(churn).notified_at == START + WEEK


def test_back_to_green_is_told_and_clears_the_red_item(
    world: World, churn: Kpi, record: Record, clock: Clock
):
    record(RED)
    clock.at(START + WEEK)
    sweep()
    clock.at(START + WEEK + DAY)
    record(GREEN)
    sweep_daily(clock, 6)
    assert [item.key for item in items("kpi_health")] == [f"kpi:{churn.pk}:red"]

    clock.at(START + 2 * WEEK + DAY)
    sweep()

    red, green = items("kpi_health")
    assert (red.key, red.open) == (f"kpi:{churn.pk}:red", False)
    assert (green.key, green.open, green.person) == (f"kpi:{churn.pk}:green", True, world.editor.pk)
    assert green.title == "Churn rate is back to green (2.5% against a target of 3%)"


def test_a_kpi_that_turns_stale_by_time_alone_alerts_after_the_hold(
    world: World, churn: Kpi, clock: Clock
):
    stale_from = churn.stale_from
    assert stale_from is not None
    clock.at(stale_from + WEEK - HOUR)
    sweep()
    assert items("kpi_health") == []

    clock.at(stale_from + WEEK)
    sweep()

    [item] = items("kpi_health")
    assert item.key == f"kpi:{churn.pk}:stale"
    assert item.title == "Churn rate turned stale (no value since 28 Oct 2026)"


def test_a_new_kpi_that_starts_red_alerts_and_one_that_starts_green_does_not(
    world: World, clock: Clock
):
    def new_kpi(name: str, value: float) -> Kpi:
        kpi = create_kpi(
            actor=world.admin,
            team=world.sales,
            name=name,
            direction="lower_is_better",
            target=3.0,
            warning=3.5,
            frequency="weekly",
            owner=world.editor,
        )
        record_measurements(
            actor=world.admin, kpi=kpi, points=[(START - WEEK, value), (START, value)]
        )
        return kpi

    red = new_kpi("Refund rate", RED)
    new_kpi("Error rate", GREEN)
    clock.at(START + WEEK)
    sweep()

    assert [item.key for item in items("kpi_health")] == [f"kpi:{red.pk}:red"]


@pytest.fixture
def huey_immediate() -> Iterator[None]:
    """Queued jobs run at once, in the test's own thread."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


def test_a_workspace_without_hold_is_told_as_the_write_commits(
    world: World,
    churn: Kpi,
    record: Record,
    huey_immediate: None,
    django_capture_on_commit_callbacks,
):
    update_workspace(actor=world.admin, workspace=world.acme, alert_hold_periods=0)

    with django_capture_on_commit_callbacks(execute=True):
        record(RED)

    assert [item.key for item in items("kpi_health")] == [f"kpi:{churn.pk}:red"]


class RolledBackError(Exception):
    """Raised inside a write to roll it back."""


def test_a_rolled_back_write_leaves_no_state_behind(churn: Kpi, clock: Clock, world: World):
    def write_then_fail() -> None:
        with transaction.atomic():
            record_measurements(actor=world.admin, kpi=churn, points=[(START - WEEK, RED)])
            raise RolledBackError

    with pytest.raises(RolledBackError):
        write_then_fail()

    assert state(churn).seen_health == "green"


def test_an_archived_kpi_is_not_swept(churn: Kpi, record: Record, clock: Clock):
    record(RED)
    Kpi.objects.filter(pk=churn.pk).update(archived_at=START)
    clock.at(START + WEEK)
    sweep()

    assert items("kpi_health") == []
