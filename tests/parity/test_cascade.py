"""Parity of the cascade's writes (docs/cascade.md): a contribution and a roll-up, an
objective's parents, a split target, a hand-down and a KPI formula leave the same rows,
audit entries and events through the pages and through the REST API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.accounts.services import add_member
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names
from tests.parity.test_okrs import key_result_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
NOVEMBER = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


def objective(world: World, title: str) -> Objective:
    return create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title=title, owner=world.editor
    )


def metric(world: World, parent: Objective, title: str, **fields: object) -> KeyResult:
    return create_key_result(
        actor=world.editor,
        objective=parent,
        title=title,
        kind="increase",
        start=0,
        target=100,
        owner=world.editor,
        **fields,
    )


@pytest.fixture
def company(world: World) -> Objective:
    return objective(world, "Reach 600k MRR")


@pytest.fixture
def mrr(world: World, company: Objective) -> KeyResult:
    return metric(world, company, "MRR", rollup="sum")


@pytest.fixture
def leads(world: World) -> KeyResult:
    key_result = metric(world, objective(world, "Sell"), "Qualified leads")
    record_check_in(
        actor=world.editor,
        key_result=key_result,
        value=30,
        at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    return key_result


def edited(world: World, key_result: KeyResult, **changes: object) -> dict[str, object]:
    """The key result form as its page fills it, with `changes`."""
    stored = {
        "title": key_result.title,
        "unit": key_result.unit,
        "start": str(key_result.start),
        "target": str(key_result.target),
        "contributes_to": key_result.contributes_to_id or "",
        "rollup": key_result.rollup,
    }
    return key_result_form(world, **{**stored, **changes})


def test_a_key_result_starts_contributing(
    world: World, editor_api: Api, mrr: KeyResult, leads: KeyResult
) -> None:
    client = world.client_for(world.editor)
    form = edited(world, leads, contributes_to=mrr.pk)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_edit", args=[leads.pk]), form), 302
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/key-results/{leads.pk}", {"contributes_to": mrr.pk}), 200
        ),
    )

    assert names(trace)[0] == "key_result.updated"
    # The parent adds it up at once: one automatic check-in of 30.
    (check_in,) = trace.created["okrs.CheckIn"]
    assert (check_in["key_result_id"], check_in["value"], check_in["automatic"]) == (
        mrr.pk,
        30,
        True,
    )


def test_a_key_result_starts_adding_up_its_contributors(
    world: World, editor_api: Api, company: Objective, leads: KeyResult
) -> None:
    total = metric(world, company, "MRR")
    metric(world, objective(world, "Other"), "Deals", contributes_to=total)
    client = world.client_for(world.editor)
    form = edited(world, total, rollup="average")

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_edit", args=[total.pk]), form), 302
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/key-results/{total.pk}", {"rollup": "average"}), 200
        ),
    )

    assert names(trace)[0] == "key_result.updated"
    assert trace.changed["okrs.KeyResult"][total.pk]["rollup"] == "average"


def objective_form(world: World, objective: Objective, rows: list[tuple[object, object]]) -> dict:
    """The objective form as its page fills it, with the "Contributes to" rows given."""
    form: dict[str, object] = {
        "cycle": world.cycle.pk,
        "title": objective.title,
        "description": objective.description,
        "team": objective.team_id,
        "owner": objective.owner_id,
        "kind": objective.kind,
        "state": objective.state,
        "aligned_rows": len(rows),
    }
    for n, (parent, key_result) in enumerate(rows):
        form[f"aligned_{n}_objective"] = parent
        form[f"aligned_{n}_key_result"] = key_result
    return form


def test_an_objective_gets_several_parents(
    world: World, editor_api: Api, company: Objective, mrr: KeyResult
) -> None:
    product = objective(world, "Ship the product")
    sell = objective(world, "Sell")
    client = world.client_for(world.editor)
    form = objective_form(world, sell, [(company.pk, mrr.pk), (product.pk, "")])
    body = {"aligned_to": [{"key_result": mrr.pk}, {"objective": product.pk}]}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("objective_edit", args=[sell.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.patch(f"/objectives/{sell.pk}", body), 200),
    )

    assert names(trace) == ["objective.updated"]
    assert len(trace.created["okrs.Alignment"]) == 1
    assert "parents" in trace.audit[0]["changes"]


def test_an_objective_is_created_under_a_key_result(
    world: World, editor_api: Api, company: Objective, mrr: KeyResult
) -> None:
    client = world.client_for(world.editor)
    fields = {
        "cycle": world.cycle.pk,
        "title": "Sell",
        "description": "",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "committed",
    }
    form = {**fields, "state": "active", "aligned_rows": 1}
    form.update({"aligned_0_objective": company.pk, "aligned_0_key_result": mrr.pk})

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("objective_create"), form), 302),
        api=lambda: expect_status(
            editor_api.post("/objectives", {**fields, "aligned_to": [{"key_result": mrr.pk}]}),
            201,
        ),
    )

    assert names(trace) == ["objective.created", "objective.updated"]


def test_a_target_is_split(world: World, editor_api: Api, company: Objective) -> None:
    mrr = create_key_result(
        actor=world.editor,
        objective=company,
        title="Reach 600k MRR",
        kind="increase",
        start=0,
        target=600_000,
        unit="$",
        owner=world.editor,
    )
    client = world.client_for(world.editor)
    people = [world.editor.pk, world.owner.pk]
    form: dict[str, object] = {"method": "equal", "action": "split", "roll_up": "on"}
    form["row"] = [str(n) for n in range(len(people))]
    form.update({f"share-{n}-person": person for n, person in enumerate(people)})
    body = {"method": "equal", "shares": [{"person": person} for person in people]}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_split", args=[mrr.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.post(f"/key-results/{mrr.pk}/split", body), 201),
    )

    assert len(trace.created["okrs.KeyResult"]) == 2
    assert any(entry["action"] == "key_result.split" for entry in trace.audit)


def test_a_key_result_is_handed_down(world: World, editor_api: Api) -> None:
    top = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.company, title="Grow", owner=world.editor
    )
    mrr = metric(world, top, "MRR")
    add_member(actor=None, team=world.sales, person=world.editor, is_lead=True)
    client = world.client_for(world.editor)
    form = {"team": world.sales.pk, "frequency": "monthly", "aggregation": "last"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_hand_down", args=[mrr.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.post(f"/key-results/{mrr.pk}/hand-down", form), 201),
    )

    assert names(trace)[0] == "kpi.created"
    assert any(entry["action"] == "key_result.handed_down" for entry in trace.audit)


def kpi(world: World, name: str, value: float) -> Kpi:
    made = create_kpi(actor=world.editor, team=world.sales, name=name, target=100)
    record_measurements(actor=world.editor, kpi=made, points=[(NOVEMBER, value)])
    return made


def test_a_key_result_is_driven_by_a_formula(
    world: World, editor_api: Api, company: Objective
) -> None:
    per_customer = metric(world, company, "Revenue per customer")
    revenue, customers = kpi(world, "Revenue", 600_000), kpi(world, "Customers", 400)
    client = world.client_for(world.editor)
    form = {"formula": "ratio", "mode": "latest", "kpi_1": revenue.pk, "kpi_2": customers.pk}
    body = {"kpi_formula": "ratio", "kpis": [revenue.pk, customers.pk], "kpi_mode": "latest"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_formula", args=[per_customer.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.patch(f"/key-results/{per_customer.pk}", body), 200),
    )

    assert len(trace.created["okrs.KpiInput"]) == 2
    assert "check_in.created" in names(trace)
