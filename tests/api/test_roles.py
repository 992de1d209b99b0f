"""Every endpoint for every caller: who may do what, and what the others get.

Callers: the admin, the editor and the viewer of Acme, the admin's read-only token, an
admin of another workspace (Globex) and nobody (no token). Another workspace's objects are
missing (404); ids of them in a body are unknown (422): never a 403 that would say they
exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from goalkeeper.accounts.models import Role
from goalkeeper.accounts.services import add_person, create_team
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
)
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api, token_for
from tests.conftest import World

CALLERS = ("admin", "editor", "viewer", "read_only", "outsider", "nobody")


@dataclass
class Fixtures:
    """One of everything in Acme, created afresh for each test."""

    world: World
    objective: int
    key_result: int
    kpi: int
    spare_team: int
    spare_person: int
    empty_cycle: int
    webhook: int


@pytest.fixture
def acme_objects(world: World) -> Fixtures:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )
    key_result = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Leads",
        kind="increase",
        start=0,
        target=100,
        owner=world.editor,
    )
    kpi = create_kpi(actor=world.editor, team=world.sales, name="Revenue", target=10)
    record_measurements(
        actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 5.0)]
    )
    team = create_team(actor=None, workspace=world.acme, name="Spare", parent=world.company)
    person = add_person(actor=None, workspace=world.acme, email="sam@acme.test", name="Sam")
    cycle = create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    hook = create_subscription(
        actor=world.admin, workspace=world.acme, url="https://example.com/h", events=["kpi.created"]
    )
    return Fixtures(
        world, objective.pk, key_result.pk, kpi.pk, team.pk, person.pk, cycle.pk, hook.pk
    )


def caller_api(world: World, caller: str) -> Api:
    if caller == "nobody":
        return Api(None)
    if caller == "read_only":
        return Api(token_for(world.admin, read_only=True))
    return Api(token_for(getattr(world, caller)))


# (what, method, path, body, statuses for admin editor viewer read_only outsider nobody)
CASES: list[tuple[str, str, str, Any, str]] = [
    ("me", "GET", "/me", None, "200 200 200 200 200 401"),
    ("list teams", "GET", "/teams", None, "200 200 200 200 200 401"),
    ("get team", "GET", "/teams/{sales}", None, "200 200 200 200 404 401"),
    (
        "create team",
        "POST",
        "/teams",
        {"name": "Ops", "parent": "{sales}"},
        "201 403 403 403 422 401",
    ),
    ("update team", "PATCH", "/teams/{sales}", {"name": "Sales EU"}, "200 403 403 403 404 401"),
    ("archive team", "POST", "/teams/{spare_team}/archive", None, "200 403 403 403 404 401"),
    ("delete team", "DELETE", "/teams/{spare_team}", None, "204 403 403 403 404 401"),
    ("read the workspace", "GET", "/workspace", None, "200 200 200 200 200 401"),
    ("list people", "GET", "/people", None, "200 200 200 200 200 401"),
    ("get person", "GET", "/people/{viewer}", None, "200 200 200 200 404 401"),
    (
        "add person",
        "POST",
        "/people",
        {"email": "new@acme.test", "name": "New"},
        "201 403 403 403 201 401",
    ),
    ("update person", "PATCH", "/people/{viewer}", {"title": "CFO"}, "200 403 403 403 404 401"),
    ("deactivate person", "DELETE", "/people/{spare_person}", None, "204 403 403 403 404 401"),
    ("list cycles", "GET", "/cycles", None, "200 200 200 200 200 401"),
    ("get cycle", "GET", "/cycles/{cycle}", None, "200 200 200 200 404 401"),
    (
        "create cycle",
        "POST",
        "/cycles",
        {"name": "2027-Q2", "start_date": "2027-04-01", "end_date": "2027-06-30"},
        "201 403 403 403 201 401",
    ),
    ("update cycle", "PATCH", "/cycles/{cycle}", {"name": "Q4"}, "200 403 403 403 404 401"),
    ("delete cycle", "DELETE", "/cycles/{empty_cycle}", None, "204 403 403 403 404 401"),
    ("list objectives", "GET", "/objectives", None, "200 200 200 200 200 401"),
    ("get objective", "GET", "/objectives/{objective}", None, "200 200 200 200 404 401"),
    (
        "create objective",
        "POST",
        "/objectives",
        {"cycle": "{cycle}", "team": "{sales}", "title": "New"},
        "201 201 403 403 422 401",
    ),
    (
        "update objective",
        "PATCH",
        "/objectives/{objective}",
        {"title": "Grow more"},
        "200 200 403 403 404 401",
    ),
    ("delete objective", "DELETE", "/objectives/{objective}", None, "204 204 403 403 404 401"),
    ("list key results", "GET", "/key-results", None, "200 200 200 200 200 401"),
    ("get key result", "GET", "/key-results/{key_result}", None, "200 200 200 200 404 401"),
    (
        "create key result",
        "POST",
        "/key-results",
        {"objective": "{objective}", "title": "Deals", "start": 0, "target": 5},
        "201 201 403 403 422 401",
    ),
    (
        "update key result",
        "PATCH",
        "/key-results/{key_result}",
        {"target": 200},
        "200 200 403 403 404 401",
    ),
    ("delete key result", "DELETE", "/key-results/{key_result}", None, "204 204 403 403 404 401"),
    (
        "list check-ins",
        "GET",
        "/key-results/{key_result}/check-ins",
        None,
        "200 200 200 200 404 401",
    ),
    (
        "check in",
        "POST",
        "/key-results/{key_result}/check-ins",
        {"value": 10},
        "201 201 403 403 404 401",
    ),
    ("list KPIs", "GET", "/kpis", None, "200 200 200 200 200 401"),
    ("get KPI", "GET", "/kpis/{kpi}", None, "200 200 200 200 404 401"),
    (
        "create KPI",
        "POST",
        "/kpis",
        {"team": "{sales}", "name": "Churn", "target": 2, "direction": "lower_is_better"},
        "201 201 403 403 422 401",
    ),
    ("update KPI", "PATCH", "/kpis/{kpi}", {"target": 20}, "200 200 403 403 404 401"),
    ("delete KPI", "DELETE", "/kpis/{kpi}", None, "204 204 403 403 404 401"),
    ("list measurements", "GET", "/kpis/{kpi}/measurements", None, "200 200 200 200 404 401"),
    (
        "push measurements",
        "POST",
        "/kpis/{kpi}/measurements",
        [{"timestamp": "2026-11-02T00:00:00Z", "value": 1}],
        "200 200 403 403 404 401",
    ),
    ("list webhooks", "GET", "/webhooks", None, "200 403 403 200 200 401"),
    ("get webhook", "GET", "/webhooks/{webhook}", None, "200 403 403 200 404 401"),
    (
        "create webhook",
        "POST",
        "/webhooks",
        {"url": "https://example.com/x", "events": ["kpi.created"]},
        "201 403 403 403 201 401",
    ),
    (
        "update webhook",
        "PATCH",
        "/webhooks/{webhook}",
        {"active": False},
        "200 403 403 403 404 401",
    ),
    ("delete webhook", "DELETE", "/webhooks/{webhook}", None, "204 403 403 403 404 401"),
    ("list deliveries", "GET", "/webhooks/{webhook}/deliveries", None, "200 403 403 200 404 401"),
    ("ping webhook", "POST", "/webhooks/{webhook}/ping", None, "202 403 403 403 404 401"),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("what", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES]
)
def test_who_may_call_what(
    acme_objects: Fixtures, caller: str, what: str, method: str, path: str, body: Any, statuses: str
) -> None:
    world = acme_objects.world
    ids = {
        "sales": world.sales.pk,
        "viewer": world.viewer.pk,
        "cycle": world.cycle.pk,
        "objective": acme_objects.objective,
        "key_result": acme_objects.key_result,
        "kpi": acme_objects.kpi,
        "spare_team": acme_objects.spare_team,
        "spare_person": acme_objects.spare_person,
        "empty_cycle": acme_objects.empty_cycle,
        "webhook": acme_objects.webhook,
    }
    api = caller_api(world, caller)
    url = path.format(**ids)
    payload = _fill(body, ids)

    if method == "GET":
        response = api.get(url)
    elif method == "POST":
        response = api.post(url, payload)
    elif method == "PATCH":
        response = api.patch(url, payload)
    else:
        response = api.delete(url)

    expected = int(statuses.split()[CALLERS.index(caller)])
    assert response.status_code == expected, response.data[:300]
    if expected >= 400:
        assert set(response.json) == {"detail", "errors"}


def test_an_owner_checks_in_on_their_own_key_result_even_as_a_viewer(
    acme_objects: Fixtures,
) -> None:
    world = acme_objects.world
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Mine", owner=world.viewer
    )
    mine = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Tickets",
        kind="decrease",
        start=10,
        target=0,
        owner=world.viewer,
    )
    viewer = caller_api(world, "viewer")

    assert viewer.post(f"/key-results/{mine.pk}/check-ins", {"value": 5}).status_code == 201
    assert viewer.patch(f"/key-results/{mine.pk}", {"target": 1}).status_code == 403


def test_a_read_only_token_cannot_check_in_even_on_its_own_key_result(
    acme_objects: Fixtures,
) -> None:
    api = Api(token_for(acme_objects.world.editor, read_only=True))

    response = api.post(f"/key-results/{acme_objects.key_result}/check-ins", {"value": 10})

    assert response.status_code == 403


def test_another_workspace_sees_none_of_acmes_objects(acme_objects: Fixtures) -> None:
    outsider = caller_api(acme_objects.world, "outsider")

    for path in ("/objectives", "/key-results", "/kpis", "/cycles", "/webhooks"):
        assert outsider.get(path).json["count"] == 0, path
    teams = outsider.get("/teams").json["items"]
    assert [team["name"] for team in teams] == ["Globex"]
    people = outsider.get("/people").json["items"]
    assert [person["email"] for person in people] == ["oscar@globex.test"]


def test_a_viewer_cannot_be_made_to_write_through_any_field(acme_objects: Fixtures) -> None:
    viewer = caller_api(acme_objects.world, "viewer")

    response = viewer.post(f"/kpis/{acme_objects.kpi}/measurements", {"items": []})

    assert response.status_code == 403
    assert response.json["detail"] == "viewers have read-only access"


def test_admin_role_names_match_the_model() -> None:
    assert {"admin", "editor", "viewer"} == set(Role.values)
