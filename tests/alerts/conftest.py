"""Alert tests: a weekly KPI written through the services, a clock moved by hand, and the
sweep run as the worker runs it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine

from goalkeeper.alerts.models import KpiAlertState
from goalkeeper.alerts.tasks import send_due_alerts
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.notifications.models import Notification
from tests.conftest import World

# Wednesday 4 November 2026, noon UTC: the week of Monday 26 October is the latest complete.
START = dt.datetime(2026, 11, 4, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
GREEN, RED = 2.5, 4.1


class Clock:
    """The frozen clock: `clock.at(instant)` moves it."""

    def __init__(self, traveller: time_machine.travel) -> None:
        self._traveller = traveller
        self.now = START

    def at(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        self._traveller.shift(moment - dt.datetime.now(dt.UTC))
        return moment


@pytest.fixture
def clock() -> Iterator[Clock]:
    traveller = time_machine.travel(START, tick=False)
    with traveller as frozen:
        yield Clock(frozen)


@pytest.fixture
def churn(world: World, clock: Clock) -> Kpi:
    """A weekly KPI owned by the editor (a lead of Sales), green for the weeks so far."""
    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Churn rate",
        unit="%",
        direction="lower_is_better",
        target=3.0,
        warning=3.5,
        frequency="weekly",
        aggregation="last",
        owner=world.editor,
    )
    record_measurements(
        actor=world.admin,
        kpi=kpi,
        points=[(START - 2 * WEEK, GREEN), (START - WEEK, GREEN)],
    )
    kpi.refresh_from_db()
    return kpi


Record = Callable[[float], None]


@pytest.fixture
def record(world: World, churn: Kpi, clock: Clock) -> Record:
    """`record(value)`: a value of the churn KPI now and one for the latest complete week,
    so that the health judged now and after the next week's end is this value's."""

    def write(value: float) -> None:
        now = clock.now
        record_measurements(
            actor=world.admin, kpi=churn, points=[(now - WEEK, value), (now, value)]
        )

    return write


def sweep() -> None:
    """One run of the worker's periodic job, in this thread."""
    send_due_alerts.call_local()


def state(kpi: Kpi) -> KpiAlertState:
    return KpiAlertState.objects.get(kpi=kpi)


@pytest.fixture
def files(tmp_path: Path, settings: Any) -> Path:
    """A folder sources may read files from (SOURCE_FILE_ROOTS)."""
    root = tmp_path / "files"
    root.mkdir()
    settings.SOURCE_FILE_ROOTS = [root]
    return root


@pytest.fixture
def deals(world: World) -> Kpi:
    """A daily KPI owned by the owner, in Sales (whose lead is the editor)."""
    return create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Signed deals",
        frequency="daily",
        target=100,
        owner=world.owner,
    )


# --- What people were told -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One notification, as the inbox holds it."""

    person: int
    kind: str
    key: str
    title: str
    url: str
    open: bool


def items(kind: str) -> list[Item]:
    """Every notification of `kind`, oldest first."""
    return [
        Item(n.person_id, n.kind, n.key, n.title, n.url, n.done_at is None)
        for n in Notification.objects.filter(kind=kind).order_by("id")
    ]
