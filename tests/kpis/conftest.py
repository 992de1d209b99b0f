"""KPI tests: a frozen clock, KPIs and series written through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import time_machine

from goalkeeper.accounts.models import Team
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.conftest import World

# Friday 20 November 2026, noon UTC: inside the world's 2026-Q4 cycle (1 Oct - 31 Dec).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, frozen inside the world's active cycle."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


def month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


MakeKpi = Callable[..., Kpi]


@pytest.fixture
def make_kpi(world: World) -> MakeKpi:
    """`make_kpi(name, values=[(when, value)], team=..., **fields)`: a KPI with a series."""

    def make(
        name: str = "Revenue",
        values: Sequence[tuple[dt.datetime, float]] = (),
        team: Team | None = None,
        **fields: Any,
    ) -> Kpi:
        fields.setdefault("target", 100.0)
        fields.setdefault("frequency", "monthly")
        fields.setdefault("owner", world.editor)
        kpi = create_kpi(actor=world.editor, team=team or world.sales, name=name, **fields)
        if values:
            record_measurements(actor=world.editor, kpi=kpi, points=list(values))
            kpi.refresh_from_db()
        return kpi

    return make


def monthly(
    values: Sequence[float], last: dt.datetime | None = None
) -> list[tuple[dt.datetime, float]]:
    """One value per month on the 15th, the last one in the month of `last` (default: Oct 2026)."""
    end = last or dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
    points = []
    year, month = end.year, end.month
    for value in reversed(values):
        points.append((dt.datetime(year, month, 15, tzinfo=dt.UTC), value))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(points))
