"""The demo's phased targets: a sales key result that closes most of its quarter at the end.

Bookings come late in a quarter (docs/signals.md, "Phased targets"): the key result expects
a ninth of its target by the first month's end, four ninths by the second's, all by the
third's. Its weekly check-ins run a little ahead of that path, so it reads on track where a
straight line from start to target would call it at risk. Written through the services, as
a user would type the phases and check in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping

from django.db.models import Count

from goalkeeper.accounts.models import Membership, Team, Workspace
from goalkeeper.demo.okrs import datetime_at
from goalkeeper.domain.phasing import ExpectedPath, Phase, month_ends
from goalkeeper.okrs.models import CheckIn, Cycle, Objective
from goalkeeper.okrs.services import create_key_result, record_check_in

TITLE = "Close €400k of new bookings"
TARGET = 400_000.0
# How far ahead of the path the team runs, and where the objective must have room.
AHEAD = 1.03
MAX_KEY_RESULTS = 5


def write_phased_sales(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, counts: MutableMapping[str, int]
) -> None:
    """The sales team's back-loaded bookings key result with weekly check-ins up to `now`,
    added to the load's `counts`. Nothing without a sales team with a lead and an
    objective of the cycle with room for one more key result."""
    sales = Team.objects.filter(workspace=workspace, name="Sales").first()
    lead = (
        Membership.objects.filter(team=sales, is_lead=True, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    home = (
        Objective.objects.filter(cycle=cycle, team=sales)
        .annotate(n=Count("key_results"))
        .filter(n__lt=MAX_KEY_RESULTS)
        .select_related("cycle")
        .order_by("n", "id")
        .first()
    )
    if sales is None or lead is None or home is None:
        return
    ends = month_ends(cycle.start_date, cycle.end_date)
    # A quadratic ramp: 1/9, 4/9, 9/9 of the target over a quarter's three months.
    phases = tuple(
        Phase(until=day, value=round(TARGET * ((index + 1) / len(ends)) ** 2))
        for index, day in enumerate(ends)
    )
    key_result = create_key_result(
        actor=lead.person,
        objective=home,
        title=TITLE,
        kind="increase",
        unit="€",
        owner=lead.person,
        start=0.0,
        target=TARGET,
        phases=list(phases),
    )
    path = ExpectedPath(cycle.start_date, 0.0, phases)
    day = cycle.start_date + dt.timedelta(weeks=1)
    while (at := datetime_at(day, 17)) < now and day <= cycle.end_date:
        record_check_in(
            actor=lead.person,
            key_result=key_result,
            value=float(round(path.value_at(day) * AHEAD, -3)),
            confidence=7,
            at=at,
        )
        day += dt.timedelta(weeks=1)
    counts["key_results"] += 1
    counts["check_ins"] += CheckIn.objects.filter(key_result=key_result).count()
