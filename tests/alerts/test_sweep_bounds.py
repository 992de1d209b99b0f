"""The sweep runs a bounded number of queries, whatever the number of KPIs; two workers
sweeping at once tell one alert."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from goalkeeper.alerts.services import health
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.alerts.conftest import DAY, GREEN, RED, START, WEEK, Clock, items, sweep
from tests.conftest import World

KPIS = 50
# The refresh of due stored figures (one read, one per-frequency aggregate, one batched
# UPDATE), one read of the changed and pending KPIs, the state rows of KPIs seen the first
# time (insert and read), one bulk update, two reads for push sources, and the savepoints
# of each step; the same count for 5 KPIs or 5,000.
SWEEP_QUERIES = 20
# What telling one alert costs (the watchers of all of them are read at once): the claim,
# clearing the KPI's earlier items, the notification's reads (people, open keys,
# preferences) and insert, and the savepoint of each of these steps.
PER_ALERT = 14


def many_kpis(world: World, count: int, value: float) -> list[Kpi]:
    made = []
    for number in range(count):
        kpi = create_kpi(
            actor=world.admin,
            team=world.sales,
            name=f"Rate {number}",
            direction="lower_is_better",
            target=3.0,
            warning=3.5,
            frequency="weekly",
            owner=world.editor,
        )
        record_measurements(
            actor=world.admin, kpi=kpi, points=[(START - WEEK, value), (START, value)]
        )
        made.append(kpi)
    return made


def test_the_sweep_over_50_changed_kpis_runs_a_bounded_number_of_queries(
    world: World, clock: Clock, django_assert_max_num_queries
):
    many_kpis(world, KPIS, RED)
    clock.at(START + 3 * DAY)
    with django_assert_max_num_queries(SWEEP_QUERIES):
        sweep()

    clock.at(START + WEEK + DAY)
    with django_assert_max_num_queries(SWEEP_QUERIES + KPIS * PER_ALERT):
        sweep()
    assert len(items("kpi_health")) == KPIS


def test_the_sweep_noticing_50_kpis_turned_stale_runs_a_bounded_number_of_queries(
    world: World, clock: Clock, django_assert_max_num_queries
):
    kpis = many_kpis(world, KPIS, GREEN)
    stale_from = Kpi.objects.get(pk=kpis[0].pk).stale_from
    assert stale_from is not None
    clock.at(stale_from + DAY)

    with django_assert_max_num_queries(SWEEP_QUERIES):
        sweep()

    assert not items("kpi_health")
    assert set(
        Kpi.objects.filter(alert_state__seen_health="stale").values_list("pk", flat=True)
    ) == {kpi.pk for kpi in kpis}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two connections writing at once: the PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_tell_each_alert_once(world: World, clock: Clock):
    many_kpis(world, 10, RED)
    clock.at(START + WEEK + DAY)
    gate = threading.Barrier(2)
    told: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            gate.wait()
            told.append(health.send_due())
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(told) == 10
    # Without the claim the later worker would clear the earlier one's items and write its
    # own: twenty rows, ten of them cleared.
    assert [item.open for item in items("kpi_health")] == [True] * 10
    sweep()
    assert len(items("kpi_health")) == 10
