"""Hand down and formula on the pages and over the API: the same writes, the fields named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.services import create_team
from goalkeeper.bridges.services import (
    drive_by_formula,
    hand_down_key_result,
    promote_key_result,
)
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.okrs.models import KeyResult
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api, connection_kept, fields_of, token_for
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi
from tests.parity.harness import compare_paths, expect_status, names
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


# The API test base (tests/api/conftest.py), for the endpoint's tests here.
@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    with connection_kept():
        yield


@pytest.fixture
def editor_api(world: World) -> Api:
    return Api(token_for(world.editor))


@pytest.fixture
def viewer_api(world: World) -> Api:
    return Api(token_for(world.viewer))


NOVEMBER = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def mrr(world: World) -> KeyResult:
    objective = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    return factories.key_result(
        objective,
        "Reach $600k MRR",
        start=400.0,
        target=600.0,
        unit="k$",
        check_ins=[(450.0, NOW - 5 * DAY)],
    )


# --- Hand down: the page ------------------------------------------------------------------------


def test_the_hand_down_page_offers_the_team_below_then_creates_its_kpi(
    world: World, mrr: KeyResult
) -> None:
    editor = world.client_for(world.editor)

    page = text(editor.get(reverse("key_result_hand_down", args=[mrr.pk])))
    done = editor.post(
        reverse("key_result_hand_down", args=[mrr.pk]),
        {"team": world.sales.pk, "owner": "", "frequency": "monthly", "aggregation": "last"},
        follow=True,
    )

    assert 'data-testid="hand-down-plan"' in page
    assert f'<option value="{world.sales.pk}" selected>Sales</option>' in page
    assert "The team&#x27;s lead" in page or "The team's lead" in page
    kpi = Kpi.objects.get()
    assert (kpi.team, kpi.owner, kpi.frequency, kpi.origin_key_result_id) == (
        world.sales,
        world.editor,
        "monthly",
        mrr.pk,
    )
    body = text(done)
    assert "is now a KPI of Sales, owned by Eddie Editor" in body
    assert "Handed down from <strong>Reach $600k MRR</strong> of" in body
    assert f"({world.company.name}, 2026-Q4)" in body


def test_the_objective_page_offers_hand_down_and_then_names_the_teams_kpi(
    world: World, mrr: KeyResult
) -> None:
    editor = world.client_for(world.editor)
    detail = reverse("objective_detail", args=[mrr.objective_id])

    before = text(editor.get(detail))
    hand_down_key_result(actor=world.editor, key_result=mrr, team=world.sales)
    after = text(editor.get(detail))

    assert 'data-testid="hand-down-key-result"' in before
    assert 'data-testid="hand-down-key-result"' not in after
    assert "Handed down to Sales\u2019s KPI" in after
    assert 'data-testid="hand-down-key-result"' not in text(
        world.client_for(world.viewer).get(detail)
    )


@pytest.mark.parametrize("linked", [1, 5])
def test_the_kpi_pages_origin_costs_one_query_whatever_else_reads_the_kpi(
    world: World, mrr: KeyResult, linked: int, django_assert_max_num_queries: Any
) -> None:
    kpi = hand_down_key_result(actor=world.editor, key_result=mrr, team=world.sales)
    objective = factories.objective(world.cycle, world.sales, "Team", owner=world.editor)
    for i in range(linked - 1):
        factories.key_result(objective, f"Also {i}", kpi=kpi)
    editor = world.client_for(world.editor)
    plain = factories.key_result(objective, "Plain", start=0, target=10)
    other = promote_key_result(actor=world.editor, key_result=plain)
    Kpi.objects.filter(pk=other.pk).update(origin_key_result=None)
    editor.get(reverse("kpi_detail", args=[other.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as without_origin:
        editor.get(reverse("kpi_detail", args=[other.pk]))

    with django_assert_max_num_queries(len(without_origin) + 1):
        page = text(editor.get(reverse("kpi_detail", args=[kpi.pk])))

    assert "Handed down from <strong>Reach $600k MRR</strong>" in page


def test_a_refusal_is_shown_on_the_field_it_names(world: World, mrr: KeyResult) -> None:
    empty = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)

    response = world.client_for(world.editor).post(
        reverse("key_result_hand_down", args=[mrr.pk]),
        {"team": empty.pk, "frequency": "weekly", "aggregation": "last"},
    )

    assert response.status_code == 200
    assert "Ops has no lead: choose who owns the KPI" in text(response)
    assert not Kpi.objects.exists()


def test_a_viewer_cannot_hand_down(world: World, mrr: KeyResult) -> None:
    viewer = world.client_for(world.viewer)
    url = reverse("key_result_hand_down", args=[mrr.pk])

    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"team": world.sales.pk}).status_code == 403
    assert not Kpi.objects.exists()


# --- Hand down: the API -------------------------------------------------------------------------


def test_the_api_hands_a_key_result_down(world: World, editor_api: Api, mrr: KeyResult) -> None:
    response = editor_api.post(
        f"/key-results/{mrr.pk}/hand-down", {"team": world.sales.pk, "frequency": "monthly"}
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["team"], body["owner"], body["name"], body["frequency"]) == (
        world.sales.pk,
        world.editor.pk,
        "Reach $600k MRR",
        "monthly",
    )
    assert body["origin_key_result"] == mrr.pk
    assert Measurement.objects.filter(kpi_id=body["id"]).count() == 2
    mrr.refresh_from_db()
    assert mrr.kpi_id == body["id"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"team": 999999}, "team", "no such team"),
        ({"team": "sales", "owner": 999999}, "owner", "no such person"),
        ({"team": "company"}, "team", "own team"),
        ({}, "team", ""),
    ],
)
def test_the_api_names_the_field_it_refuses(
    world: World, editor_api: Api, mrr: KeyResult, body: dict[str, Any], field: str, message: str
) -> None:
    teams = {"sales": world.sales.pk, "company": world.company.pk}
    payload = {k: teams.get(v, v) if k == "team" else v for k, v in body.items()}

    response = editor_api.post(f"/key-results/{mrr.pk}/hand-down", payload)

    assert response.status_code == 422
    assert message in str(fields_of(response)[field])
    assert not Kpi.objects.exists()


def test_a_viewer_cannot_hand_down_over_the_api(
    world: World, viewer_api: Api, mrr: KeyResult
) -> None:
    response = viewer_api.post(f"/key-results/{mrr.pk}/hand-down", {"team": world.sales.pk})

    assert response.status_code == 403
    assert not Kpi.objects.exists()


def test_handing_down_leaves_the_same_traces_from_the_page_and_the_api(
    world: World, editor_api: Api, mrr: KeyResult
) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )
    client = world.client_for(world.editor)
    form = {"team": world.sales.pk, "frequency": "monthly", "aggregation": "max"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_hand_down", args=[mrr.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.post(f"/key-results/{mrr.pk}/hand-down", form), 201),
    )

    assert names(trace)[0] == "kpi.created"
    assert "key_result.updated" in names(trace)
    assert any(entry["action"] == "key_result.handed_down" for entry in trace.audit)


# --- Several KPIs: the page ---------------------------------------------------------------------


def test_the_formula_page_sets_a_ratio_and_the_row_says_so(world: World, make_kpi: MakeKpi) -> None:
    revenue = make_kpi("Revenue", values=[(NOVEMBER, 600_000.0)])
    customers = make_kpi("Customers", values=[(NOVEMBER, 400.0)])
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kr = factories.key_result(objective, "Revenue per customer", start=0, target=2000)
    editor = world.client_for(world.editor)
    url = reverse("key_result_formula", args=[kr.pk])

    page = text(editor.get(url))
    done = editor.post(
        url,
        {"formula": "ratio", "mode": "latest", "kpi_1": revenue.pk, "kpi_2": customers.pk},
        follow=True,
    )

    assert 'data-testid="formula-form"' in page
    kr.refresh_from_db()
    assert (kr.kpi_formula, kr.current) == ("ratio", 1500.0)
    body = text(done)
    assert "“Revenue per customer” reads its value from 2 KPIs." in body
    assert "Ratio of two KPIs" in body
    assert 'data-testid="hand-down-key-result"' not in body
    again = text(editor.get(url))
    assert f'<option value="{customers.pk}" selected>' in again


def test_the_formula_page_names_what_it_refuses(world: World, make_kpi: MakeKpi) -> None:
    revenue = make_kpi("Revenue", values=[(NOVEMBER, 1.0)])
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kr = factories.key_result(objective, "Revenue per customer")

    response = world.client_for(world.editor).post(
        reverse("key_result_formula", args=[kr.pk]),
        {"formula": "ratio", "mode": "latest", "kpi_1": revenue.pk},
    )

    assert response.status_code == 200
    assert "a ratio takes exactly two KPIs: the numerator, then the denominator" in text(response)
    kr.refresh_from_db()
    assert kr.kpi_formula == ""


def test_the_formula_page_clears_a_formula(world: World, make_kpi: MakeKpi) -> None:
    kpis = [make_kpi("A", values=[(NOVEMBER, 1.0)]), make_kpi("B", values=[(NOVEMBER, 2.0)])]
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kr = factories.key_result(objective, "Both")
    drive_by_formula(actor=world.editor, key_result=kr, formula="sum", kpis=kpis)

    world.client_for(world.editor).post(
        reverse("key_result_formula", args=[kr.pk]), {"formula": "", "mode": "latest"}
    )

    kr.refresh_from_db()
    assert (kr.kpi_formula, kr.inputs.count(), kr.current) == ("", 0, 3.0)


def test_the_key_result_form_links_to_the_formula_page(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kr = factories.key_result(objective, "Both")

    page = text(world.client_for(world.editor).get(reverse("key_result_edit", args=[kr.pk])))

    assert reverse("key_result_formula", args=[kr.pk]) in page
    assert "Drive by several KPIs instead" in page


def test_a_viewer_cannot_set_a_formula(world: World, make_kpi: MakeKpi) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kr = factories.key_result(objective, "Both")

    response = world.client_for(world.viewer).post(
        reverse("key_result_formula", args=[kr.pk]), {"formula": "sum"}
    )

    assert response.status_code == 403
