"""`POST /key-results/{id}/split` and `POST /kpis/{id}/split`: 201 with the contributions
made, the service's refusals as 422 naming the field (a row's field as `shares.N.name`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Rollup
from goalkeeper.okrs.split_input import ShareIds, resolve_shares
from tests.api.conftest import (
    Api,
    _keep_the_test_connection,
    api_for,
    editor_api,
    fields_of,
    outsider_api,
    viewer_api,
)
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")
# The API tests' base: a token per person, the connection kept across requests.
__all__ = ["_keep_the_test_connection", "api_for", "editor_api", "outsider_api", "viewer_api"]


@pytest.fixture
def mrr(world: World) -> KeyResult:
    company = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    return factories.key_result(company, "Reach $600k MRR", start=0, target=600_000, unit="$")


def test_a_split_answers_the_contributions_made(
    world: World, editor_api: Api, mrr: KeyResult
) -> None:
    response = editor_api.post(
        f"/key-results/{mrr.pk}/split",
        {
            "method": "amounts",
            "shares": [
                {"person": world.editor.pk, "amount": 400_000},
                {"team": world.sales.pk, "amount": 200_000},
            ],
        },
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert body["key_result"] == mrr.pk
    assert [(kr["target"], kr["unit"], kr["owner"]) for kr in body["key_results"]] == [
        (400_000, "$", world.editor.pk),
        (200_000, "$", world.editor.pk),  # Eddie leads Sales
    ]
    made = KeyResult.objects.filter(pk__in=[kr["id"] for kr in body["key_results"]])
    assert {kr.contributes_to_id for kr in made} == {mrr.pk}
    mrr.refresh_from_db()
    assert mrr.rollup == Rollup.SUM
    assert AuditEntry.objects.filter(action="key_result.split", actor=world.editor).count() == 1


def test_amounts_that_do_not_add_up_are_refused_with_the_gap(
    world: World, editor_api: Api, mrr: KeyResult
) -> None:
    response = editor_api.post(
        f"/key-results/{mrr.pk}/split",
        {
            "method": "amounts",
            "shares": [
                {"person": world.editor.pk, "amount": 350_000},
                {"person": world.admin.pk, "amount": 200_000},
            ],
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == {
        "amounts": "the amounts add up to 550,000, 50,000 short of 600,000"
    }


def test_refusals_name_the_row(world: World, editor_api: Api, mrr: KeyResult) -> None:
    twice = editor_api.post(
        f"/key-results/{mrr.pk}/split",
        {"method": "equal", "shares": [{"person": world.editor.pk}, {"person": world.editor.pk}]},
    )
    unknown = editor_api.post(
        f"/key-results/{mrr.pk}/split",
        {"method": "equal", "shares": [{"person": world.outsider.pk}, {"team": 999_999}]},
    )
    empty = editor_api.post(f"/key-results/{mrr.pk}/split", {"method": "equal", "shares": []})

    assert twice.status_code == unknown.status_code == empty.status_code == 422
    assert fields_of(twice) == {"shares.1.person": "Eddie Editor already has a share"}
    assert fields_of(unknown) == {
        "shares.0.person": "no such person",
        "shares.1.team": "no such team",
    }
    assert fields_of(empty) == {"shares": "add at least one share"}
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()


def test_a_milestone_cannot_be_split(world: World, editor_api: Api) -> None:
    objective = factories.objective(world.cycle, world.company, "Ship", owner=world.admin)
    launch = factories.key_result(objective, "Launch", kind="milestone", start=None, target=None)
    response = editor_api.post(
        f"/key-results/{launch.pk}/split",
        {"method": "equal", "shares": [{"person": world.editor.pk}]},
    )
    assert response.status_code == 422
    assert list(fields_of(response)) == ["key_result"]


def test_viewers_and_outsiders_cannot_split(
    world: World, viewer_api: Api, outsider_api: Api, mrr: KeyResult
) -> None:
    body = {"method": "equal", "shares": [{"person": world.editor.pk}]}
    assert viewer_api.post(f"/key-results/{mrr.pk}/split", body).status_code == 403
    assert outsider_api.post(f"/key-results/{mrr.pk}/split", body).status_code == 404
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()


def test_a_kpi_split_creates_its_carrier_in_the_cycle(world: World, editor_api: Api) -> None:
    kpi = create_kpi(actor=world.editor, team=world.sales, name="MRR", target=600, unit="$")
    record_measurements(
        actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 300.0)]
    )

    response = editor_api.post(
        f"/kpis/{kpi.pk}/split",
        {
            "cycle": world.cycle.pk,
            "method": "weight",
            "shares": [
                {"person": world.editor.pk, "weight": 2},
                {"person": world.admin.pk, "weight": 1},
            ],
        },
    )

    assert response.status_code == 201, response.json
    carrier = KeyResult.objects.get(pk=response.json["key_result"])
    assert (carrier.kpi_id, carrier.start, carrier.target) == (kpi.pk, 300, 600)
    assert [kr["target"] for kr in response.json["key_results"]] == [400, 200]
    assert [kr["start"] for kr in response.json["key_results"]] == [200, 100]


def test_a_kpi_split_names_an_unknown_cycle(world: World, editor_api: Api) -> None:
    kpi = create_kpi(actor=world.editor, team=world.sales, name="MRR", target=600)
    response = editor_api.post(
        f"/kpis/{kpi.pk}/split",
        {"cycle": 999_999, "method": "equal", "shares": [{"person": world.editor.pk}]},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"cycle": "no such cycle"}


def test_the_shares_are_looked_up_in_one_query_per_kind(
    world: World, django_assert_num_queries: Any
) -> None:
    rows = [ShareIds(person=world.editor.pk, team=world.sales.pk, amount=1.0)] * 8

    with django_assert_num_queries(2):  # the people, the teams
        shares = resolve_shares(world.editor, rows)

    assert [share.person for share in shares] == [world.editor] * 8
