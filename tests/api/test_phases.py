"""Phased targets through the API: given and returned on the key result, refused with the
field named, and read by its status."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.okrs.models import KeyResult
from tests.api.conftest import Api, fields_of
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, make_kpi, monthly

pytestmark = pytest.mark.usefixtures("now")
__all__ = ["make_kpi"]
LAST_Q4 = dt.datetime(2025, 12, 15, tzinfo=dt.UTC)
BACK_LOADED = [
    {"until": "2026-10-31", "value": 10.0},
    {"until": "2026-11-30", "value": 40.0},
    {"until": "2026-12-31", "value": 200.0},
]


def key_result(api: Api, world: World, **fields) -> dict:
    objective = api.post(
        "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    ).json
    body = {"objective": objective["id"], "title": "Sales", "start": 0, "target": 200}
    response = api.post("/key-results", {**body, **fields})
    assert response.status_code == 201, response.json
    return response.json


def test_phases_are_given_and_returned_on_the_key_result(world: World, admin_api: Api) -> None:
    created = key_result(admin_api, world, phases=BACK_LOADED)

    assert created["phases"] == BACK_LOADED
    assert admin_api.get(f"/key-results/{created['id']}").json["phases"] == BACK_LOADED
    listed = admin_api.get("/key-results").json["items"]
    assert [item["phases"] for item in listed] == [BACK_LOADED]


def test_a_key_result_without_phases_has_an_empty_list(world: World, admin_api: Api) -> None:
    assert key_result(admin_api, world)["phases"] == []


def test_patching_phases_moves_the_status(world: World, admin_api: Api) -> None:
    created = key_result(admin_api, world)
    admin_api.post(f"/key-results/{created['id']}/check-ins", {"value": 36})
    # 50 days into 91: a straight line expects 55%, the phases about 27%; 18% is short of both.
    assert admin_api.get(f"/key-results/{created['id']}").json["status"] == "off_track"

    patched = admin_api.patch(f"/key-results/{created['id']}", {"phases": BACK_LOADED})

    assert patched.status_code == 200, patched.json
    assert patched.json["phases"] == BACK_LOADED
    assert patched.json["status"] == "on_track"
    cleared = admin_api.patch(f"/key-results/{created['id']}", {"phases": []}).json
    assert cleared["phases"] == []
    assert cleared["status"] == "off_track"


@pytest.mark.parametrize(
    ("phases", "field"),
    [
        (
            [{"until": "2026-11-30", "value": 10}, {"until": "2026-10-31", "value": 40}],
            "phases[1].until",
        ),
        ([{"until": "2027-01-31", "value": 10}], "phases[0].until"),
        ([{"until": "2026-10-31", "value": 1e300}], "phases.0.value"),
        ([{"until": "2026-10-31", "value": "ten"}], "phases.0.value"),
        ([{"until": "late", "value": 10}], "phases.0.until"),
    ],
)
def test_bad_phases_are_refused_with_the_field_named(
    world: World, admin_api: Api, phases: list, field: str
) -> None:
    created = key_result(admin_api, world)

    refused = admin_api.patch(f"/key-results/{created['id']}", {"phases": phases})

    assert refused.status_code == 422
    assert field in fields_of(refused), refused.json
    assert KeyResult.objects.get(pk=created["id"]).phases == []


def test_a_viewer_cannot_set_phases(world: World, admin_api: Api, viewer_api: Api) -> None:
    created = key_result(admin_api, world)

    refused = viewer_api.patch(f"/key-results/{created['id']}", {"phases": BACK_LOADED})

    assert refused.status_code == 403
    assert KeyResult.objects.get(pk=created["id"]).phases == []


def test_a_key_result_follows_last_years_shape_of_its_kpi(
    world: World, make_kpi: MakeKpi, editor_api: Api
) -> None:
    kpi = make_kpi("Customers", values=monthly([50, 52, 58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)

    followed = editor_api.post(f"/key-results/{key_result.pk}/follow-shape")

    assert followed.status_code == 200, followed.json
    assert [p["until"] for p in followed.json["phases"]] == [
        "2026-10-31",
        "2026-11-30",
        "2026-12-31",
    ]
    assert [round(p["value"]) for p in followed.json["phases"]] == [110, 140, 200]


def test_without_last_year_there_is_no_shape_to_follow(
    world: World, make_kpi: MakeKpi, editor_api: Api
) -> None:
    kpi = make_kpi("Young", values=monthly([58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)

    refused = editor_api.post(f"/key-results/{key_result.pk}/follow-shape")

    assert refused.status_code == 422
    assert "no shape to follow" in fields_of(refused)["phases"]
