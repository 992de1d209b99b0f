"""Strategy map tests: a frozen clock inside the world's cycle, objectives and KPIs written
through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import Objective
from tests.conftest import World
from tests.web import factories

# 2026-11-20 is day 50 of the world's 2026-Q4 cycle (1 Oct - 31 Dec).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, frozen inside the world's active cycle."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@dataclass
class Alignment:
    """Company -> Sales -> a person's objective; an unaligned one; a KPI driven."""

    root: Objective
    team: Objective
    person: Objective
    loose: Objective
    kpi: Kpi


@pytest.fixture
def aligned(world: World, now: dt.datetime) -> Alignment:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Revenue", target=100.0, frequency="monthly"
    )
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[
            (dt.datetime(2026, 9, 15, tzinfo=dt.UTC), 80.0),
            (dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 120.0),
            (dt.datetime(2026, 11, 10, tzinfo=dt.UTC), 60.0),
        ],
    )
    kpi.refresh_from_db()
    root = factories.objective(world.cycle, world.company, "Win the market", owner=world.admin)
    factories.key_result(root, "Share", check_ins=[(40, now - DAY)])
    team = factories.objective(
        world.cycle, world.sales, "Sell more", owner=world.editor, parent=root
    )
    factories.key_result(team, "Deals", check_ins=[(80, now - DAY)])
    factories.key_result(team, "Revenue", kpi=kpi)
    person = factories.objective(
        world.cycle, world.sales, "Call every lead", owner=world.editor, parent=team
    )
    loose = factories.objective(world.cycle, world.sales, "Tidy the CRM", owner=world.editor)
    return Alignment(root=root, team=team, person=person, loose=loose, kpi=kpi)
