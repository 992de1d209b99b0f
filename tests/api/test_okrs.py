"""Cycles, objectives, key results and check-ins through the API, numbers included."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from tests.api.conftest import Api, fields_of
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")
DAY = dt.timedelta(days=1)


def objective(api: Api, world: World, **fields) -> dict:
    response = api.post(
        "/objectives",
        {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow the pipeline", **fields},
    )
    assert response.status_code == 201, response.json
    return response.json


def key_result(api: Api, objective_id: int, **fields) -> dict:
    body = {"objective": objective_id, "title": "Qualified leads", "start": 0, "target": 200}
    response = api.post("/key-results", {**body, **fields})
    assert response.status_code == 201, response.json
    return response.json


# --- Cycles ---------------------------------------------------------------------------------


def test_an_admin_manages_cycles(world: World, admin_api: Api) -> None:
    created = admin_api.post(
        "/cycles", {"name": "2027-Q1", "start_date": "2027-01-01", "end_date": "2027-03-31"}
    )
    assert created.status_code == 201
    cycle = created.json
    assert cycle["state"] == "planning"

    renamed = admin_api.patch(f"/cycles/{cycle['id']}", {"name": "Q1 2027"}).json
    assert renamed["name"] == "Q1 2027"
    assert admin_api.patch(f"/cycles/{cycle['id']}", {"state": "active"}).json["state"] == "active"
    names = [c["name"] for c in admin_api.get("/cycles").json["items"]]
    assert names == ["Q1 2027", "2026-Q4"]
    assert admin_api.get("/cycles", state="active").json["count"] == 2
    assert admin_api.delete(f"/cycles/{cycle['id']}").status_code == 204
    assert admin_api.get(f"/cycles/{cycle['id']}").status_code == 404


def test_closing_a_cycle_closes_its_objectives_and_locks_it(world: World, admin_api: Api) -> None:
    scored = objective(admin_api, world)
    leads = key_result(admin_api, scored["id"])
    admin_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 100})
    unscored = objective(admin_api, world, title="Hire")

    refused = admin_api.patch(f"/cycles/{world.cycle.pk}", {"state": "closed"})
    assert refused.status_code == 422
    assert set(fields_of(refused)) == {f"{unscored['id']}.final_score"}

    closing = {"objective": unscored["id"], "final_score": 0.3, "retrospective": "Late start"}
    closed = admin_api.patch(
        f"/cycles/{world.cycle.pk}", {"state": "closed", "closings": [closing]}
    ).json
    assert closed["state"] == "closed"
    assert closed["closed_at"] is not None
    assert admin_api.get(f"/objectives/{scored['id']}").json["final_score"] == 0.5
    assert admin_api.get(f"/objectives/{unscored['id']}").json["final_score"] == 0.3
    locked = admin_api.patch(f"/cycles/{world.cycle.pk}", {"name": "Reopened"})
    assert locked.status_code == 422
    assert fields_of(locked) == {"cycle": "the cycle is closed"}


def test_closings_are_only_given_when_closing(world: World, admin_api: Api) -> None:
    closing = {"objective": 1, "final_score": 0.5}
    response = admin_api.patch(f"/cycles/{world.cycle.pk}", {"closings": [closing]})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"closings"}


def test_a_cycle_must_end_after_it_starts(world: World, admin_api: Api) -> None:
    response = admin_api.post(
        "/cycles", {"name": "Bad", "start_date": "2027-01-01", "end_date": "2026-12-01"}
    )

    assert response.status_code == 422
    assert fields_of(response) == {"end_date": "the cycle must end after it starts"}


def test_cycle_names_are_unique_in_a_workspace(world: World, admin_api: Api) -> None:
    response = admin_api.post(
        "/cycles", {"name": "2026-Q4", "start_date": "2026-10-01", "end_date": "2026-12-31"}
    )

    assert response.status_code == 422
    assert response.json["errors"]


# --- Objectives -----------------------------------------------------------------------------


def test_a_new_objective_has_no_progress_until_it_has_key_results(
    world: World, editor_api: Api
) -> None:
    created = objective(editor_api, world, description="More leads", kind="aspirational")

    assert created["owner"] == world.editor.pk
    assert created["kind"] == "aspirational"
    assert created["state"] == "active"
    assert created["progress"] is None
    assert created["score"] is None
    assert created["status"] == "not_started"
    assert created["key_results"] == []


def test_an_objective_may_be_created_without_owner(world: World, editor_api: Api) -> None:
    assert objective(editor_api, world, owner=None)["owner"] is None
    assert objective(editor_api, world, owner=world.viewer.pk)["owner"] == world.viewer.pk


def test_progress_score_and_status_come_from_the_check_ins(
    world: World, editor_api: Api, now: dt.datetime
) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])
    deals = key_result(editor_api, grow["id"], title="Deals", target=10, weight=3)
    editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 100, "confidence": 7})
    editor_api.post(f"/key-results/{deals['id']}/check-ins", {"value": 13})

    got = editor_api.get(f"/objectives/{grow['id']}").json
    # (1 * 0.5 + 3 * 1.0) / 4 = 0.875; day 50 of 91 elapsed (0.55): on track.
    assert got["progress"] == pytest.approx(0.875)
    assert got["score"] == 0.9
    assert got["status"] == "on_track"
    assert got["key_results"] == [leads["id"], deals["id"]]
    over = editor_api.get(f"/key-results/{deals['id']}").json
    assert over["progress"] == pytest.approx(1.3)
    assert over["score"] == 1.0
    assert over["current"] == 13
    lagging = editor_api.get(f"/key-results/{leads['id']}").json
    assert lagging["score"] == 0.5
    assert lagging["status"] == "on_track"
    assert lagging["confidence"] == 7


def test_a_key_result_without_check_ins_is_not_started(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])

    assert leads["current"] == 0
    assert leads["progress"] == 0
    assert leads["status"] == "not_started"


def test_an_objective_rolls_up_its_aligned_children(world: World, editor_api: Api) -> None:
    parent = objective(editor_api, world, roll_up_children=True, title="Company growth")
    child = objective(editor_api, world, parent=parent["id"], title="Sales growth")
    leads = key_result(editor_api, child["id"])
    editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 100})

    got = editor_api.get(f"/objectives/{parent['id']}").json

    assert got["progress"] == pytest.approx(0.5)
    assert got["status"] == "on_track"


def test_objectives_are_filtered(world: World, editor_api: Api) -> None:
    a = objective(editor_api, world, kind="aspirational")
    b = objective(editor_api, world, team=world.company.pk, state="draft")
    c = objective(editor_api, world, parent=a["id"], owner=world.viewer.pk)

    def ids(**query) -> list[int]:
        return [o["id"] for o in editor_api.get("/objectives", **query).json["items"]]

    assert ids() == [a["id"], b["id"], c["id"]]
    assert ids(kind="aspirational") == [a["id"]]
    assert ids(team=world.company.pk) == [b["id"]]
    assert ids(state="draft") == [b["id"]]
    assert ids(owner=world.viewer.pk) == [c["id"]]
    assert ids(parent=a["id"]) == [c["id"]]
    assert ids(cycle=world.cycle.pk, limit=2, offset=1) == [b["id"], c["id"]]
    page = editor_api.get("/objectives", limit=1).json
    assert page["count"] == 3
    assert len(page["items"]) == 1


def test_an_objective_is_updated_field_by_field(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world, owner=world.viewer.pk)

    updated = editor_api.patch(f"/objectives/{grow['id']}", {"title": "Grow faster"}).json

    assert updated["title"] == "Grow faster"
    assert updated["owner"] == world.viewer.pk
    cleared = editor_api.patch(f"/objectives/{grow['id']}", {"owner": None}).json
    assert cleared["owner"] is None
    refused = editor_api.patch(f"/objectives/{grow['id']}", {"title": None})
    assert refused.status_code == 422
    assert set(fields_of(refused)) == {"title"}


def test_an_objective_cannot_support_itself(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)

    response = editor_api.patch(f"/objectives/{grow['id']}", {"parent": grow["id"]})

    assert response.status_code == 422
    assert fields_of(response) == {"parent": "an objective cannot support itself"}


def test_closing_an_objective_keeps_its_current_score(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])
    editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 130})

    closed = editor_api.patch(
        f"/objectives/{grow['id']}", {"state": "closed", "retrospective": "Good quarter"}
    ).json

    assert closed["state"] == "closed"
    assert closed["final_score"] == 0.7
    assert closed["score"] == 0.7
    assert closed["retrospective"] == "Good quarter"
    assert closed["closed_at"] is not None


def test_closing_with_a_final_score_of_ones_own(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)

    closed = editor_api.patch(f"/objectives/{grow['id']}", {"state": "closed", "final_score": 0.4})

    assert closed.json["final_score"] == 0.4


def test_closing_without_key_results_needs_a_final_score(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)

    response = editor_api.patch(f"/objectives/{grow['id']}", {"state": "closed"})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"final_score"}
    assert Objective.objects.get(pk=grow["id"]).state == "active"


def test_a_final_score_is_only_given_when_closing(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)

    response = editor_api.patch(f"/objectives/{grow['id']}", {"final_score": 0.5})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"final_score"}


def test_deleting_an_objective_deletes_its_key_results(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])
    editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 10})

    assert editor_api.delete(f"/objectives/{grow['id']}").status_code == 204

    assert not KeyResult.objects.exists()
    assert not CheckIn.objects.exists()
    assert AuditEntry.objects.filter(action="objective.deleted").count() == 1


# --- Key results ----------------------------------------------------------------------------


def test_key_results_of_each_kind(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    band = key_result(
        editor_api, grow["id"], kind="maintain", start=None, target=None, low=95, high=100
    )
    launch = key_result(editor_api, grow["id"], kind="milestone", start=None, target=None)

    editor_api.post(f"/key-results/{band['id']}/check-ins", {"value": 97})
    editor_api.post(f"/key-results/{launch['id']}/check-ins", {"done": True})

    assert editor_api.get(f"/key-results/{band['id']}").json["score"] == 1
    got = editor_api.get(f"/key-results/{launch['id']}").json
    assert got["done"] is True
    assert got["score"] == 1


def test_zones_score_a_key_result_piecewise(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"], start=0, commit=50, target=100, stretch=150)
    editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 100})

    assert editor_api.get(f"/key-results/{leads['id']}").json["score"] == pytest.approx(0.7)


def test_a_metric_check_in_needs_a_value(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])

    response = editor_api.post(f"/key-results/{leads['id']}/check-ins", {"note": "busy"})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"value"}


def test_confidence_is_between_0_and_10(world: World, editor_api: Api) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])

    response = editor_api.post(
        f"/key-results/{leads['id']}/check-ins", {"value": 1, "confidence": 11}
    )

    assert response.status_code == 422
    assert set(fields_of(response)) == {"confidence"}


def test_check_ins_are_listed_newest_first(world: World, editor_api: Api, now: dt.datetime) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])
    first = editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 10, "note": "a"})
    second = editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 20, "note": "b"})

    listed = editor_api.get(f"/key-results/{leads['id']}/check-ins").json

    assert listed["count"] == 2
    assert [c["id"] for c in listed["items"]] == [second.json["id"], first.json["id"]]
    item = listed["items"][0]
    assert item["value"] == 20
    assert item["note"] == "b"
    assert item["author"] == world.editor.pk
    assert item["created_at"] == "2026-11-20T12:00:00Z"


def test_key_results_are_filtered_by_objective(world: World, editor_api: Api) -> None:
    a = objective(editor_api, world)
    b = objective(editor_api, world)
    in_a = key_result(editor_api, a["id"])
    key_result(editor_api, b["id"])

    listed = editor_api.get("/key-results", objective=a["id"]).json

    assert [kr["id"] for kr in listed["items"]] == [in_a["id"]]


def test_a_key_result_may_follow_a_kpi_of_the_workspace(world: World, editor_api: Api) -> None:
    kpi = editor_api.post("/kpis", {"team": world.sales.pk, "name": "MRR", "target": 10}).json
    grow = objective(editor_api, world)

    linked = key_result(editor_api, grow["id"], kpi=kpi["id"], kpi_mode="cycle_aggregate")

    assert linked["kpi"] == kpi["id"]
    assert editor_api.get("/key-results", kpi=kpi["id"]).json["count"] == 1
    unknown = editor_api.patch(f"/key-results/{linked['id']}", {"kpi": 987654})
    assert fields_of(unknown) == {"kpi": "no such KPI"}


def test_a_key_result_definition_changes_and_then_it_is_deleted(
    world: World, editor_api: Api
) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])

    changed = editor_api.patch(f"/key-results/{leads['id']}", {"target": 400, "unit": "leads"})

    assert changed.json["target"] == 400
    assert changed.json["unit"] == "leads"
    assert editor_api.delete(f"/key-results/{leads['id']}").status_code == 204
    assert editor_api.get(f"/key-results/{leads['id']}").status_code == 404
    assert editor_api.get(f"/objectives/{grow['id']}").json["key_results"] == []
