"""A small company whose insights are known by heart (docs/insights.md).

Acme: the company, with Sales (and Sales EU under it) and Support. On Monday 2 November
2026, week 6 of the 2026-Q4 cycle (1 October - 31 December):
- the company objective "Grow revenue" (Ada), one key result checked in on 27 October;
- Sales' "Win the mid-market" (Eddie), aligned to it, one key result checked in on
  28 October (confidence 8) and on 30 October (confidence 6);
- Sales EU's "Open Germany" (Owen), not aligned, a milestone "Launch the Berlin office"
  (a task with no metric) never checked in;
- Sales' "Cut churn" (Eddie), last checked in on 5 October (confidence 3): stale;
- Sales EU's "Hire a team" (Owen), checked in at 0 on 1 November (confidence 4): off track;
- Support has Vera and a draft objective only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import add_member, create_team
from goalkeeper.insights.scope import InsightScope, default_scope
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from tests.conftest import World

NOW = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)


@dataclass
class Company:
    world: World
    sales_eu: Team
    support: Team
    grow: Objective
    mid_market: Objective
    germany: Objective
    berlin: KeyResult
    churn: Objective
    hire: Objective

    def scope(self, team: Team | None = None) -> InsightScope:
        acme = self.world.acme
        found = default_scope(acme, acme.clock(NOW), team_id=team.pk if team else None)
        assert found is not None
        return found


@pytest.fixture
def travel() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def company(travel: object, world: World) -> Company:
    w = world
    sales_eu = create_team(actor=None, workspace=w.acme, name="Sales EU", parent=w.sales)
    support = create_team(actor=None, workspace=w.acme, name="Support", parent=w.company)
    add_member(actor=None, team=sales_eu, person=w.owner)
    add_member(actor=None, team=support, person=w.viewer)
    grow = create_objective(
        actor=w.admin, cycle=w.cycle, team=w.company, title="Grow revenue", owner=w.admin
    )
    revenue = create_key_result(
        actor=w.admin, objective=grow, title="Revenue", kind="increase", start=0, target=100
    )
    record_check_in(
        actor=w.admin, key_result=revenue, value=40, at=dt.datetime(2026, 10, 27, 9, tzinfo=dt.UTC)
    )
    mid_market = create_objective(
        actor=w.admin,
        cycle=w.cycle,
        team=w.sales,
        title="Win the mid-market",
        owner=w.editor,
        parent=grow,
    )
    deals = create_key_result(
        actor=w.admin, objective=mid_market, title="Deals", kind="increase", start=0, target=10
    )
    for day, value, confidence in ((28, 2, 8), (30, 3, 6)):
        record_check_in(
            actor=w.editor,
            key_result=deals,
            value=value,
            confidence=confidence,
            at=dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC),
        )
    germany = create_objective(
        actor=w.admin, cycle=w.cycle, team=sales_eu, title="Open Germany", owner=w.owner
    )
    berlin = create_key_result(
        actor=w.admin, objective=germany, title="Launch the Berlin office", kind="milestone"
    )
    churn = create_objective(
        actor=w.admin, cycle=w.cycle, team=w.sales, title="Cut churn", owner=w.editor
    )
    churn_rate = create_key_result(
        actor=w.admin, objective=churn, title="Churn", kind="decrease", start=10, target=5
    )
    record_check_in(
        actor=w.editor,
        key_result=churn_rate,
        value=10,
        confidence=3,
        at=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
    )
    hire = create_objective(
        actor=w.admin, cycle=w.cycle, team=sales_eu, title="Hire a team", owner=w.owner
    )
    hires = create_key_result(
        actor=w.admin, objective=hire, title="Hires", kind="increase", start=0, target=10
    )
    record_check_in(
        actor=w.owner,
        key_result=hires,
        value=0,
        confidence=4,
        at=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC),
    )
    create_objective(actor=w.admin, cycle=w.cycle, team=support, title="Maybe later", state="draft")
    return Company(w, sales_eu, support, grow, mid_market, germany, berlin, churn, hire)
