"""The insights page runs the same number of SQL queries on the demo company and on a
company of 2,000 people, whether its figures are worked out or kept (docs/insights.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Team
from goalkeeper.audit.kept import forget_all
from goalkeeper.demo.services import ADMIN_EMAIL, demo_clock, demo_workspace, load_demo
from goalkeeper.insights.charts import CHARTS, default_scope, insight_chart
from goalkeeper.okrs.models import Cycle, CycleState

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = dt.date(2026, 11, 20)
NOW = demo_clock(TODAY)[1]


def queries() -> dict[str, int]:
    """Queries per visit, for the demo loaded now, seen by its admin."""
    workspace = demo_workspace()
    assert workspace is not None
    client = Client()
    client.force_login(workspace.people.get(user__email=ADMIN_EMAIL).user)
    client.get(reverse("home"))  # the first visit stores the workspace in the session
    cycle = Cycle.objects.get(workspace=workspace, state=CycleState.ACTIVE)
    closed = Cycle.objects.filter(workspace=workspace, state=CycleState.CLOSED).first()
    division = Team.objects.filter(workspace=workspace, parent__parent__isnull=True).exclude(
        parent__isnull=True
    )
    team = division.order_by("id").first()
    assert team is not None
    url = reverse("insights")
    counts: dict[str, int] = {}

    def count(name: str, visit: object) -> None:
        with CaptureQueriesContext(connection) as captured:
            result = visit()  # type: ignore[operator]
        status = getattr(result, "status_code", 200)
        assert status == 200, (name, status)
        counts[name] = len(captured)

    forget_all()
    count("company, worked out", lambda: client.get(url))
    count("company, kept", lambda: client.get(url))
    count("team, worked out", lambda: client.get(url, {"team": team.pk, "cycle": cycle.pk}))
    if closed is not None:
        count("closed cycle", lambda: client.get(url, {"cycle": closed.pk}))
    forget_all()
    scope = default_scope(workspace, workspace.clock(NOW))
    assert scope is not None
    count("every chart of the registry", lambda: [insight_chart(key, scope) for key in CHARTS])
    return counts


def test_the_insights_page_runs_the_same_queries_on_the_demo_and_on_2000_people() -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo(progress=False, today=TODAY)
        demo = queries()
        load_demo(people=2000, reset=True, progress=False, today=TODAY)
        large = queries()
    print("\nqueries: demo (32 people) / 2,000 people")
    for name, n in demo.items():
        print(f"  {name:35} {n:3} / {large[name]:3}")
    assert large == demo
    # Kept figures cost the session, the person, the newest audit entry and the cycle.
    assert demo["company, kept"] <= 12, demo
    assert max(demo.values()) <= 30, demo
