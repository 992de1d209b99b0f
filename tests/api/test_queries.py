"""Every endpoint runs the same number of SQL queries whatever the size of the data.

Each endpoint is called twice on fresh objects: once in a small workspace, once after the
workspace has grown (more objectives with key results and check-ins, roll-ups, KPIs with
series, teams, people, webhooks and their deliveries). The counts must be equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.accounts.services import add_member, add_person, create_team
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
    record_check_in,
)
from goalkeeper.webhooks.models import EVENTS, Delivery
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api, token_for
from tests.conftest import World

START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
FREQUENCIES = ("hourly", "daily", "weekly", "monthly", "quarterly", "yearly")
AGGREGATIONS = ("sum", "average", "last", "min", "max")


def grow(world: World, size: int, tag: str) -> None:
    """Add `size` of everything to Acme: the data the second call must not feel."""
    for i in range(size):
        team = create_team(
            actor=None, workspace=world.acme, name=f"Team {tag}{i}", parent=world.sales
        )
        person = add_person(
            actor=None, workspace=world.acme, email=f"p{tag}{i}@acme.test", name=f"P {tag}{i}"
        )
        add_member(actor=None, team=team, person=person)
        parent = create_objective(
            actor=None,
            cycle=world.cycle,
            team=team,
            title=f"Parent {tag}{i}",
            owner=person,
            roll_up_children=True,
        )
        child = create_objective(
            actor=None, cycle=world.cycle, team=team, title=f"Child {tag}{i}", parent=parent
        )
        for objective in (parent, child):
            for k in range(3):
                key_result = create_key_result(
                    actor=None,
                    objective=objective,
                    title=f"KR {k}",
                    kind="increase",
                    start=0,
                    target=10,
                    owner=person,
                )
                for value in (2.0, 5.0):
                    record_check_in(actor=person, key_result=key_result, value=value)
        kpi = create_kpi(
            actor=None,
            team=team,
            name=f"KPI {tag}{i}",
            target=10,
            frequency=FREQUENCIES[i % len(FREQUENCIES)],
            aggregation=AGGREGATIONS[i % len(AGGREGATIONS)],
        )
        record_measurements(
            actor=None,
            kpi=kpi,
            points=[(START + dt.timedelta(hours=7 * n), float(n)) for n in range(30)],
        )
    hook = create_subscription(
        actor=None, workspace=world.acme, url="https://example.com/grow", events=["kpi.created"]
    )
    Delivery.objects.bulk_create(
        [Delivery(subscription=hook, event="kpi.created", payload={}) for _ in range(size * 3)]
    )


def targets(world: World, tag: str) -> dict[str, Any]:
    """Fresh objects for one call: the endpoint reads, changes or deletes these."""
    objective = create_objective(
        actor=None,
        cycle=world.cycle,
        team=world.sales,
        title=f"Target {tag}",
        owner=world.editor,
        roll_up_children=True,
    )
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=100
    )
    record_check_in(actor=None, key_result=key_result, value=10)
    kpi = create_kpi(actor=None, team=world.sales, name=f"KPI {tag}", target=10, frequency="daily")
    record_measurements(actor=None, kpi=kpi, points=[(START, 1.0)])
    team = create_team(actor=None, workspace=world.acme, name=f"Spare {tag}", parent=world.company)
    person = add_person(
        actor=None, workspace=world.acme, email=f"spare{tag}@acme.test", name=f"Spare {tag}"
    )
    cycle = create_cycle(
        actor=None,
        workspace=world.acme,
        name=f"Empty {tag}",
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 3, 31),
    )
    # A subscription to every event, so that writes pay for their webhook rows each time.
    hook = create_subscription(
        actor=None, workspace=world.acme, url=f"https://example.com/{tag}", events=list(EVENTS)
    )
    return {
        "tag": tag,
        "sales": world.sales.pk,
        "viewer": world.viewer.pk,
        "cycle": world.cycle.pk,
        "objective": objective.pk,
        "key_result": key_result.pk,
        "kpi": kpi.pk,
        "spare_team": team.pk,
        "spare_person": person.pk,
        "empty_cycle": cycle.pk,
        "webhook": hook.pk,
    }


# (what, method, path, body); "{name}" in a path or a string value is filled from targets.
ENDPOINTS: list[tuple[str, str, str, Any]] = [
    ("me", "GET", "/me", None),
    ("list teams", "GET", "/teams", None),
    ("get team", "GET", "/teams/{sales}", None),
    ("create team", "POST", "/teams", {"name": "Ops {tag}"}),
    ("update team", "PATCH", "/teams/{spare_team}", {"name": "Renamed {tag}"}),
    ("archive team", "POST", "/teams/{spare_team}/archive", None),
    ("delete team", "DELETE", "/teams/{spare_team}", None),
    ("read the workspace", "GET", "/workspace", None),
    ("list people", "GET", "/people", None),
    ("get person", "GET", "/people/{viewer}", None),
    (
        "add person",
        "POST",
        "/people",
        {"email": "new{tag}@acme.test", "name": "New", "teams": [{"team": "{sales}"}]},
    ),
    (
        "update person",
        "PATCH",
        "/people/{spare_person}",
        {"title": "CFO", "teams": [{"team": "{sales}"}]},
    ),
    ("deactivate person", "DELETE", "/people/{spare_person}", None),
    ("list cycles", "GET", "/cycles", None),
    ("get cycle", "GET", "/cycles/{cycle}", None),
    (
        "create cycle",
        "POST",
        "/cycles",
        {"name": "Q {tag}", "start_date": "2031-01-01", "end_date": "2031-03-31"},
    ),
    ("update cycle", "PATCH", "/cycles/{empty_cycle}", {"name": "Renamed {tag}"}),
    ("delete cycle", "DELETE", "/cycles/{empty_cycle}", None),
    ("list objectives", "GET", "/objectives", None),
    ("get objective", "GET", "/objectives/{objective}", None),
    (
        "create objective",
        "POST",
        "/objectives",
        {"cycle": "{cycle}", "team": "{sales}", "title": "New"},
    ),
    ("update objective", "PATCH", "/objectives/{objective}", {"title": "Renamed"}),
    ("close objective", "PATCH", "/objectives/{objective}", {"state": "closed"}),
    ("delete objective", "DELETE", "/objectives/{objective}", None),
    ("list key results", "GET", "/key-results", None),
    ("get key result", "GET", "/key-results/{key_result}", None),
    (
        "create key result",
        "POST",
        "/key-results",
        {"objective": "{objective}", "title": "Deals", "start": 0, "target": 5},
    ),
    ("update key result", "PATCH", "/key-results/{key_result}", {"target": 200}),
    ("delete key result", "DELETE", "/key-results/{key_result}", None),
    ("list check-ins", "GET", "/key-results/{key_result}/check-ins", None),
    ("check in", "POST", "/key-results/{key_result}/check-ins", {"value": 60}),
    ("list KPIs", "GET", "/kpis", None),
    ("get KPI", "GET", "/kpis/{kpi}", None),
    ("create KPI", "POST", "/kpis", {"team": "{sales}", "name": "Churn", "target": 2}),
    ("update KPI", "PATCH", "/kpis/{kpi}", {"target": 20}),
    ("delete KPI", "DELETE", "/kpis/{kpi}", None),
    ("list measurements", "GET", "/kpis/{kpi}/measurements", None),
    ("aggregate measurements", "GET", "/kpis/{kpi}/measurements?period=weekly", None),
    (
        "push measurements",
        "POST",
        "/kpis/{kpi}/measurements",
        [{"timestamp": "2026-11-19T10:00:00Z", "value": 20}],
    ),
    ("list webhooks", "GET", "/webhooks", None),
    ("get webhook", "GET", "/webhooks/{webhook}", None),
    (
        "create webhook",
        "POST",
        "/webhooks",
        {"url": "https://example.com/x", "events": ["kpi.created"]},
    ),
    ("update webhook", "PATCH", "/webhooks/{webhook}", {"active": False}),
    ("delete webhook", "DELETE", "/webhooks/{webhook}", None),
    ("list deliveries", "GET", "/webhooks/{webhook}/deliveries", None),
    ("ping webhook", "POST", "/webhooks/{webhook}/ping", None),
]

COUNTS: dict[str, int] = {}


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def queries_of(world: World, method: str, path: str, body: Any, ids: dict[str, Any]) -> int:
    # A fresh token each time: both calls pay the same once-a-minute "last used" write.
    api = Api(token_for(world.admin))
    url = path.format(**ids)
    payload = _fill(body, ids)
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = api._send("GET", url)
        elif method == "POST":
            response = api.post(url, payload)
        elif method == "PATCH":
            response = api.patch(url, payload)
        else:
            response = api.delete(url)
    assert response.status_code < 300, response.data[:300]
    return len(captured)


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    if COUNTS:
        print("\nqueries per call:", ", ".join(f"{k} {v}" for k, v in COUNTS.items()))


@pytest.mark.parametrize(
    ("what", "method", "path", "body"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_the_query_count_does_not_grow_with_the_data(
    world: World, what: str, method: str, path: str, body: Any
) -> None:
    grow(world, 1, "a")
    small = queries_of(world, method, path, body, targets(world, "a"))
    grow(world, 4, "b")
    large = queries_of(world, method, path, body, targets(world, "b"))

    assert small == large, f"{what}: {small} queries with little data, {large} with more"
    COUNTS[what] = large
