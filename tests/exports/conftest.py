"""Export tests: a frozen clock inside the world's cycle and a small company to export.

Acme's 2026-Q4 holds objectives in two teams, of both kinds, one without key results, a
milestone, a roll-up, check-ins on several days and a title a spreadsheet would read as a
formula; two KPIs hold a few weeks of measurements.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from openpyxl import load_workbook

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import create_team
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from tests.conftest import World

# 2026-11-20 is day 50 of the world's 2026-Q4 cycle (1 Oct - 31 Dec).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
FORMULA_TITLE = '=HYPERLINK("http://evil.test","click")'


@dataclass
class Company:
    world: World
    support: Team
    growth: Objective
    quality: Objective
    formula: Objective
    empty: Objective
    revenue: KeyResult
    churn: KeyResult
    launch: KeyResult
    tickets: KeyResult
    signups: Kpi
    latency: Kpi


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def company(world: World, now: dt.datetime) -> Company:
    return build_company(world)


def build_company(world: World) -> Company:
    """What the `company` fixture gives (check-ins and measurements in November 2026)."""
    admin = world.admin
    support = create_team(actor=admin, workspace=world.acme, name="Support", parent=world.company)
    growth = create_objective(
        actor=admin,
        cycle=world.cycle,
        team=world.sales,
        title="Grow revenue",
        owner=world.editor,
        kind="committed",
        roll_up_children=True,
    )
    quality = create_objective(
        actor=admin,
        cycle=world.cycle,
        team=support,
        title="Delight customers",
        owner=world.owner,
        kind="aspirational",
        parent=growth,
    )
    formula = create_objective(
        actor=admin, cycle=world.cycle, team=support, title=FORMULA_TITLE, owner=world.viewer
    )
    empty = create_objective(
        actor=admin, cycle=world.cycle, team=world.company, title="Nothing measured yet"
    )
    revenue = create_key_result(
        actor=admin,
        objective=growth,
        title="Revenue to 2M",
        kind="increase",
        start=1_000_000,
        target=2_000_000,
        unit="EUR",
        owner=world.editor,
    )
    churn = create_key_result(
        actor=admin,
        objective=growth,
        title="Churn down to 2%",
        kind="decrease",
        start=5,
        target=2,
        unit="%",
        owner=world.owner,
    )
    launch = create_key_result(
        actor=admin, objective=quality, title="Launch the help centre", kind="milestone"
    )
    tickets = create_key_result(
        actor=admin,
        objective=formula,
        title="+cmd|' /C calc'!A0",
        kind="increase",
        start=0,
        target=100,
    )
    record_check_in(
        actor=world.editor, key_result=revenue, value=1_300_000, confidence=6, at=_at(2)
    )
    record_check_in(
        actor=world.editor,
        key_result=revenue,
        value=1_450_000,
        confidence=7,
        note="=1+1 big deal",
        at=_at(16),
    )
    record_check_in(actor=world.owner, key_result=churn, value=4, confidence=5, at=_at(10))
    record_check_in(actor=admin, key_result=launch, done=True, confidence=9, at=_at(18))
    signups = create_kpi(
        actor=admin,
        team=world.sales,
        name="Signups",
        owner=world.editor,
        direction="higher_is_better",
        target=100,
        warning=80,
        frequency="weekly",
        aggregation="sum",
    )
    latency = create_kpi(
        actor=admin,
        team=support,
        name="Latency",
        direction="lower_is_better",
        target=200,
        warning=300,
        frequency="daily",
        aggregation="average",
        unit="ms",
    )
    record_measurements(
        actor=admin,
        kpi=signups,
        points=[(_at(day, 8), float(day * 3)) for day in range(1, 20)],
    )
    record_measurements(
        actor=admin,
        kpi=latency,
        points=[(_at(day, hour), 180.0 + day + hour) for day in range(1, 20) for hour in (6, 18)],
    )
    return Company(
        world,
        support,
        growth,
        quality,
        formula,
        empty,
        revenue,
        churn,
        launch,
        tickets,
        signups,
        latency,
    )


def read_csv(content: bytes) -> list[dict[str, str]]:
    """A CSV export's rows by column name (its byte order mark dropped)."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[dict[str, object]]:
    """An XLSX export's first sheet's rows by column name."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    # A write-only sheet leaves trailing empty cells out of a row.
    width = len(header)
    return [
        dict(zip(header, (*row, *(None,) * (width - len(row))), strict=True)) for row in rows[1:]
    ]
