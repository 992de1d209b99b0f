"""Parity of OKR writes: the web page and the REST API leave the same rows, audit, events.

Each row of the table is one write both paths offer; see tests/parity/harness.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import (
    Closing,
    close_cycle,
    create_cycle,
    create_key_result,
    create_objective,
)
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(world: World) -> Objective:
    return create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Grow the mid-market",
        owner=world.editor,
        kind="aspirational",
    )


@pytest.fixture
def leads(world: World, grow: Objective) -> KeyResult:
    return create_key_result(
        actor=world.editor,
        objective=grow,
        title="Qualified leads",
        kind="increase",
        start=0,
        target=100,
        owner=world.editor,
    )


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    """A subscription to every event, so that the events also become deliveries."""
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


def test_creating_an_objective(world: World, editor_api: Api) -> None:
    client = world.client_for(world.editor)
    fields = {
        "cycle": world.cycle.pk,
        "title": "Win the mid-market",
        "description": "Where the growth is.",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "aspirational",
    }

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("objective_create"), {**fields, "parent": "", "state": "active"}),
            302,
        ),
        api=lambda: expect_status(editor_api.post("/objectives", fields), 201),
    )

    assert names(trace) == ["objective.created"]


def test_editing_an_objective(world: World, editor_api: Api, grow: Objective) -> None:
    client = world.client_for(world.editor)
    form = {
        "cycle": world.cycle.pk,
        "title": "Own the mid-market",
        "description": "",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "aspirational",
        "parent": "",
        "state": "active",
    }

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("objective_edit", args=[grow.pk]), form), 302
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/objectives/{grow.pk}", {"title": "Own the mid-market"}), 200
        ),
    )

    assert names(trace) == ["objective.updated"]


def test_deleting_an_objective(world: World, editor_api: Api, grow: Objective) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("objective_delete", args=[grow.pk])), 302),
        api=lambda: expect_status(editor_api.delete(f"/objectives/{grow.pk}"), 204),
    )

    assert names(trace) == ["objective.deleted"]


def test_checking_in(world: World, editor_api: Api, leads: KeyResult) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("key_result_check_in", args=[leads.pk]),
                {"value": "40", "confidence": "7", "note": "Trade fair"},
            ),
            200,
            302,
        ),
        api=lambda: expect_status(
            editor_api.post(
                f"/key-results/{leads.pk}/check-ins",
                {"value": 40, "confidence": 7, "note": "Trade fair"},
            ),
            201,
        ),
    )

    assert names(trace)[0] == "check_in.created"


def key_result_form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Qualified leads per month",
        "kind": "increase",
        "owner": world.editor.pk,
        "unit": "leads",
        "weight": "1",
        "start": "40",
        "target": "120",
        "commit": "",
        "stretch": "",
        "low": "",
        "high": "",
        "kpi": "",
        "kpi_mode": "latest",
    }
    data.update(changes)
    return data


def test_creating_a_key_result(world: World, editor_api: Api, grow: Objective) -> None:
    client = world.client_for(world.editor)
    body = {
        "objective": grow.pk,
        "title": "Qualified leads per month",
        "owner": world.editor.pk,
        "unit": "leads",
        "start": 40,
        "target": 120,
    }

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_create", args=[grow.pk]), key_result_form(world)),
            302,
        ),
        api=lambda: expect_status(editor_api.post("/key-results", body), 201),
    )

    assert names(trace) == ["key_result.created"]


def test_editing_a_key_result(world: World, editor_api: Api, leads: KeyResult) -> None:
    client = world.client_for(world.editor)
    form = key_result_form(world, title="Leads", unit="", start="0", target="150")

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_edit", args=[leads.pk]), form), 302
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/key-results/{leads.pk}", {"title": "Leads", "target": 150}), 200
        ),
    )

    assert names(trace)[0] == "key_result.updated"


def test_deleting_a_key_result(world: World, editor_api: Api, leads: KeyResult) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("key_result_delete", args=[leads.pk])), 302),
        api=lambda: expect_status(editor_api.delete(f"/key-results/{leads.pk}"), 204),
    )

    assert names(trace) == ["key_result.deleted"]


def test_creating_a_cycle(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)
    fields = {"name": "2027-Q1", "start_date": "2027-01-01", "end_date": "2027-03-31"}

    compare_paths(
        web=lambda: expect_status(client.post(reverse("cycle_create"), fields), 302),
        api=lambda: expect_status(admin_api.post("/cycles", fields), 201),
    )


def test_editing_a_cycle(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)
    fields = {"name": "Q4 2026", "start_date": "2026-10-01", "end_date": "2026-12-31"}

    compare_paths(
        web=lambda: expect_status(
            client.post(reverse("cycle_edit", args=[world.cycle.pk]), fields), 302
        ),
        api=lambda: expect_status(
            admin_api.patch(f"/cycles/{world.cycle.pk}", {"name": "Q4 2026"}), 200
        ),
    )


def planning_cycle(world: World):
    return create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )


def test_activating_a_cycle(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)
    cycle = planning_cycle(world)

    compare_paths(
        web=lambda: expect_status(client.post(reverse("cycle_activate", args=[cycle.pk])), 302),
        api=lambda: expect_status(admin_api.post(f"/cycles/{cycle.pk}/activate"), 200),
    )


def test_closing_a_cycle(world: World, admin_api: Api, grow: Objective, leads: KeyResult) -> None:
    client = world.client_for(world.admin)
    form = {f"o{grow.pk}-final_score": "0.6", f"o{grow.pk}-retrospective": "Leads came late."}
    body = {
        "objectives": [{"id": grow.pk, "final_score": 0.6, "retrospective": "Leads came late."}]
    }

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("cycle_close", args=[world.cycle.pk]), form), 302
        ),
        api=lambda: expect_status(admin_api.post(f"/cycles/{world.cycle.pk}/close", body), 200),
    )

    assert names(trace) == ["objective.closed"]


def test_carrying_over(world: World, admin_api: Api, grow: Objective, leads: KeyResult) -> None:
    close_cycle(actor=world.admin, cycle=world.cycle, closings=[Closing(grow.pk, 0.4)])
    target = planning_cycle(world)
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("cycle_carry_over", args=[world.cycle.pk]),
                {"target": target.pk, "objectives": [grow.pk]},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.post(
                f"/cycles/{world.cycle.pk}/carry-over",
                {"target": target.pk, "objectives": [grow.pk]},
            ),
            201,
        ),
    )

    assert names(trace) == ["objective.created", "key_result.created"]
