"""A closed cycle to review: objectives of two teams with final scores and retrospectives,
one carried into the next cycle, a KPI that moved linked to a key result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import create_team
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
    record_check_in,
)
from goalkeeper.okrs.services.carry_over import carry_over
from goalkeeper.okrs.services.cycles import Closing, close_cycle
from goalkeeper.reports import moves
from tests.conftest import World

# Inside the world's active 2026-Q4; the reviewed 2026-Q3 ended in September.
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fresh_moves() -> None:
    """Ids and frozen clocks repeat from one test to the next: no KPI answer carries over."""
    moves.forget()


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@dataclass
class Review:
    """The reviewed cycle and what it holds."""

    world: World
    cycle: Cycle
    support: Team
    objectives: dict[str, Objective]
    kpi: Kpi
    carried: Objective


def build_review(world: World, extra: int = 0) -> Review:
    """2026-Q3, closed: Sales (under the company) and Support (under Sales) with objectives
    scored 0.2, 0.5, 0.8 and 1.0, one aspirational; `extra` more objectives per team."""
    admin = world.admin
    support = create_team(actor=admin, workspace=world.acme, name="Support", parent=world.sales)
    cycle = create_cycle(
        actor=admin,
        workspace=world.acme,
        name="2026-Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        state=CycleState.ACTIVE,
    )
    kpi = create_kpi(
        actor=admin, team=world.sales, name="Pipeline", unit="EUR", target=200, warning=150
    )
    record_measurements(
        actor=admin,
        kpi=kpi,
        points=[
            (dt.datetime(2026, 7, 15, tzinfo=dt.UTC), 100.0),
            (dt.datetime(2026, 8, 15, tzinfo=dt.UTC), 110.0),
            (dt.datetime(2026, 9, 15, tzinfo=dt.UTC), 130.0),
            (dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 140.0),
        ],
    )
    plan = [
        ("Grow the pipeline", world.sales, "committed", 1.0, "Met it with a week to spare."),
        ("Win two enterprise deals", world.sales, "aspirational", 0.8, "One slipped to Q4."),
        ("Answer within an hour", support, "committed", 0.5, "Staffing held us back."),
        ("Launch the help centre", support, "committed", 0.2, ""),
    ]
    plan += [
        (f"Extra {team.name} {n}", team, "committed", 0.6, f"Note {n}")
        for team in (world.sales, support)
        for n in range(extra)
    ]
    objectives: dict[str, Objective] = {}
    closings = []
    for title, team, kind, score, note in plan:
        objective = create_objective(
            actor=admin, cycle=cycle, team=team, title=title, owner=world.editor, kind=kind
        )
        key_result = create_key_result(
            actor=admin,
            objective=objective,
            title=f"{title}: measured",
            kind="increase",
            start=0,
            target=10,
            owner=world.editor,
        )
        record_check_in(actor=admin, key_result=key_result, value=score * 10, confidence=6)
        objectives[title] = objective
        closings.append(Closing(objective.pk, score, note))
    create_key_result(
        actor=admin,
        objective=objectives["Grow the pipeline"],
        title="Pipeline reaches 200",
        kind="increase",
        start=100,
        target=200,
        owner=world.editor,
        kpi=kpi,
    )
    close_cycle(actor=admin, cycle=cycle, closings=closings)
    cycle.refresh_from_db()
    [carried] = carry_over(
        actor=admin,
        source=cycle,
        target=world.cycle,
        objective_ids=[objectives["Answer within an hour"].pk],
    )
    return Review(world, cycle, support, objectives, kpi, carried)


@pytest.fixture
def review(world: World, now: dt.datetime) -> Review:
    return build_review(world)
