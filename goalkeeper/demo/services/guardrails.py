"""The demo's guardrail and driver pair (docs/okrs.md "Guardrails", docs/kpis.md "Drivers").

The seeds' perverse incentive: a sales objective chased with abnormal discounts. "Average
discount" guards the sales team's first objective of the active cycle and went red last
month (21.5% against a ceiling of 18%). And a believable leading indicator: weekly "Demos
booked" lead weekly "New MRR" by about three weeks (each demo's deal closes later), so the
Marketing KPI page shows r near 0.8 at a lag of 3 weeks; and marketing-qualified leads lead
the sales calls booked (both read by key results: the strategy map shows it). Written
through the services, as a user would, so the rows and audit entries are the real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from goalkeeper.accounts.models import Team, Workspace
from goalkeeper.bridges.services import add_driver_link, add_guardrail, team_lead
from goalkeeper.demo.okrs import datetime_at
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import Cycle, Objective

DISCOUNT = "Average discount"
LEADS, CALLS = "MQLs", "Sales calls booked"
# A year of weeks, on Mondays at midnight UTC, as every weekly demo series.
WEEKS = 52
LAG = 3


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _red_discount(kpi: Kpi, now: dt.datetime) -> int:
    """Last month's discounts well above the ceiling: the guardrail turned red (the demo's
    monthly values stand at the first of their month, midnight UTC). Values created."""
    first_of_month = now.date().replace(day=1)
    last_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    points = [(datetime_at(last_month, 0), 21.5)]
    return record_measurements(actor=None, kpi=kpi, points=points, source="demo").created


@dataclass(frozen=True)
class Written:
    """What `write_guardrails` added: bridge rows, KPIs and measurements."""

    links: int = 0
    kpis: int = 0
    measurements: int = 0


def _driver_pair(team: Team, now: dt.datetime, seed: int) -> tuple[Kpi, Kpi, int]:
    """Weekly demos booked and the new MRR that follows them three weeks later, dated a
    year back; and how many values they hold."""
    rng = random.Random(seed)
    owner = team_lead(team)
    start = _monday(now.date()) - dt.timedelta(weeks=WEEKS)
    created_at = datetime_at(start, 9)
    demos = create_kpi(
        actor=None, team=team, name="Demos booked", unit="demos", direction="higher_is_better",
        target=30.0, warning=22.0, frequency="weekly", aggregation="sum", owner=owner,
        description="Product demos booked with qualified prospects in the week.",
        created_at=created_at,
    )  # fmt: skip
    mrr = create_kpi(
        actor=None, team=team, name="New MRR", unit="€", direction="higher_is_better",
        target=12_000.0, warning=9_000.0, frequency="weekly", aggregation="sum", owner=owner,
        description="Monthly recurring revenue added by deals closed in the week.",
        created_at=created_at,
    )  # fmt: skip
    booked = [
        max(5.0, round(26 + 6 * rng.gauss(0, 1) + (week % 13) * 0.4)) for week in range(WEEKS)
    ]
    demo_points, mrr_points = [], []
    for week in range(WEEKS):
        day = start + dt.timedelta(weeks=week)
        demo_points.append((datetime_at(day, 0), booked[week]))
        earlier = booked[week - LAG] if week >= LAG else 26.0
        value = round(earlier * 420 + rng.gauss(0, 1800), -1)
        mrr_points.append((datetime_at(day, 0), max(0.0, value)))
    created = record_measurements(actor=None, kpi=demos, points=demo_points, source="demo").created
    created += record_measurements(actor=None, kpi=mrr, points=mrr_points, source="demo").created
    return demos, mrr, created


def write_guardrails(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, seed: int = 2026
) -> Written:
    """The sales objective's discount guardrail (red) and the two driver links."""
    links = kpis = measurements = 0
    discount = Kpi.objects.filter(workspace=workspace, name=DISCOUNT).select_related("team").first()
    if discount is not None:
        objectives = Objective.objects.filter(cycle=cycle, team=discount.team).order_by("id")
        # A deal-winning objective, where discounts tempt most.
        objective = (
            objectives.filter(title__iregex=r"(enterprise|revenue|grow)").first()
            or objectives.first()
        )
        if objective is not None:
            measurements += _red_discount(discount, now)
            add_guardrail(
                actor=None,
                objective=objective,
                kpi=discount,
                note="Deals must not be bought with discounts beyond 18%.",
            )
            links += 1
    team = Team.objects.filter(workspace=workspace, name="Marketing").first() or (
        discount.team if discount is not None else None
    )
    if team is not None:
        demos, mrr, created = _driver_pair(team, now, seed)
        kpis, measurements = kpis + 2, measurements + created
        add_driver_link(
            actor=None, leading=demos, kpi=mrr, note="A booked demo closes about three weeks later."
        )
        links += 1
    # Two KPIs that key results read, so that the strategy map draws the link as well.
    leads, calls = (
        Kpi.objects.filter(workspace=workspace, name=name).first() for name in (LEADS, CALLS)
    )
    if leads is not None and calls is not None:
        add_driver_link(
            actor=None,
            leading=leads,
            kpi=calls,
            note="Marketing-qualified leads turn into sales calls.",
        )
        links += 1
    return Written(links=links, kpis=kpis, measurements=measurements)
