"""The board and the KPI page run a fixed number of queries, and never load a series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.domain.periods import Frequency
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.queries import CHART_PERIODS, PAGE_SIZE
from goalkeeper.kpis.services import create_kpi, refresh_figures
from tests.conftest import World
from tests.kpis.conftest import NOW

HOUR = dt.timedelta(hours=1)


@dataclass
class Fetched:
    """Rows handed back to Python by each SQL statement."""

    statements: list[list[Any]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, int]]:
        return [(sql, rows) for sql, rows in self.statements]

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> Fetched:
    """Count the rows every statement returns, through Django's cursor wrapper."""
    log = Fetched()
    current: dict[int, list[Any]] = {}
    execute = CursorWrapper.execute

    def counting_execute(self, sql, params=None):
        entry = [sql, 0]
        log.statements.append(entry)
        current[id(self)] = entry
        return execute(self, sql, params)

    def counting(name: str):
        def method(self, *args):
            rows = getattr(self.cursor, name)(*args)
            if rows is not None and id(self) in current:
                current[id(self)][1] += 1 if name == "fetchone" else len(rows)
            return rows

        return method

    monkeypatch.setattr(CursorWrapper, "execute", counting_execute)
    for name in ("fetchone", "fetchmany", "fetchall"):
        monkeypatch.setattr(CursorWrapper, name, counting(name), raising=False)
    return log


def series(kpi: Kpi, count: int) -> None:
    """`count` hourly values ending now."""
    Measurement.objects.bulk_create(
        (Measurement(kpi=kpi, timestamp=NOW - i * HOUR, value=float(i % 97)) for i in range(count)),
        batch_size=5000,
    )
    Kpi.objects.filter(pk=kpi.pk).update(last_measurement_at=NOW)


def page_queries(world: World, kpi: Kpi) -> list[str]:
    client = world.client_for(world.editor)
    client.get(reverse("kpis"))  # sessions and login settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("kpi_detail", args=[kpi.pk]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.slow
def test_the_kpi_page_of_100000_values_runs_the_same_queries_as_of_10(
    world: World, now: dt.datetime, fetched: Fetched
) -> None:
    small = create_kpi(
        actor=None,
        team=world.sales,
        name="Small",
        target=50,
        frequency="daily",
        aggregation="average",
    )
    large = create_kpi(
        actor=None,
        team=world.sales,
        name="Large",
        target=50,
        frequency="daily",
        aggregation="average",
    )
    series(small, 10)
    series(large, 100_000)

    few = page_queries(world, small)
    fetched.reset()
    many = page_queries(world, large)

    assert len(few) == len(many)
    reading_values = [sql for sql in many if "kpis_measurement" in sql and "okrs_" not in sql]
    # One aggregate for the chart and the status, one over the process limits' window
    # (docs/signals.md), and the raw table's one page.
    assert len(reading_values) == 3
    assert sum("GROUP BY" in sql for sql in reading_values) == 2
    assert sum(f"LIMIT {PAGE_SIZE + 1}" in sql for sql in reading_values) == 1
    rows = fetched.rows()
    assert max(count for _, count in rows) <= CHART_PERIODS[Frequency.DAILY]
    assert sum(count for _, count in rows) < 600


def make_kpis(world: World, per_frequency: int) -> None:
    for frequency in Frequency:
        for index in range(per_frequency):
            kpi = create_kpi(
                actor=None,
                team=world.sales,
                # Index first: a page of the board, sorted by name within a health,
                # holds every frequency.
                name=f"{index:02d} {frequency}",
                target=50,
                frequency=frequency.value,
                aggregation=("sum", "last", "average")[index % 3],
                owner=world.editor,
            )
            series(kpi, 200)
    refresh_figures(due_only=False)


def board_queries(world: World, fetched: Fetched) -> int:
    client = world.client_for(world.viewer)
    client.get(reverse("kpis"))
    fetched.reset()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("kpis"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_board_runs_the_same_queries_for_6_or_60_kpis(
    world: World, now: dt.datetime, fetched: Fetched
) -> None:
    make_kpis(world, 1)
    few = board_queries(world, fetched)
    make_kpis(world, 9)
    many = board_queries(world, fetched)

    assert few == many
    # One aggregate per frequency at most, each returning a row per KPI and period.
    aggregates = [
        (sql, n) for sql, n in fetched.rows() if "GROUP BY" in sql and "kpis_measurement" in sql
    ]
    assert len(aggregates) == len(Frequency)
    assert max(n for _, n in aggregates) <= 10 * 13


def test_the_board_reads_no_values_outside_its_window(world: World, now: dt.datetime) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Long", target=50, frequency="monthly")
    series(kpi, 5000)
    client = world.client_for(world.viewer)
    client.get(reverse("kpis"))

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("kpis"))

    value_reads = [q["sql"] for q in captured.captured_queries if "kpis_measurement" in q["sql"]]
    assert all('"timestamp" >=' in sql or "recoverylink" in sql for sql in value_reads)
