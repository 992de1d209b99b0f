"""Incremental sync: created_at and updated_at moved by real changes only, `updated_since`
on the lists, and the changes feed with its tombstones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine

from tests.api.conftest import NOW, Api, fields_of
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")
MINUTE = dt.timedelta(minutes=1)


@contextmanager
def at(minutes: int) -> Iterator[dt.datetime]:
    when = NOW + minutes * MINUTE
    with time_machine.travel(when, tick=False):
        yield when


def iso(when: dt.datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def objective(api: Api, world: World, **fields: object) -> dict:
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow", **fields}
    response = api.post("/objectives", body)
    assert response.status_code == 201, response.json
    return response.json


def key_result(api: Api, objective_id: int) -> dict:
    body = {"objective": objective_id, "title": "Leads", "start": 0, "target": 200}
    response = api.post("/key-results", body)
    assert response.status_code == 201, response.json
    return response.json


# --- updated_at ------------------------------------------------------------------------------


def test_an_empty_patch_or_the_same_values_leave_updated_at(world: World, editor_api: Api) -> None:
    created = objective(editor_api, world)
    assert created["created_at"] == created["updated_at"] == iso(NOW)

    with at(1):
        assert editor_api.patch(f"/objectives/{created['id']}", {}).json["updated_at"] == iso(NOW)
        same = editor_api.patch(f"/objectives/{created['id']}", {"title": "Grow"}).json
        assert same["updated_at"] == iso(NOW)
    with at(2) as later:
        renamed = editor_api.patch(f"/objectives/{created['id']}", {"title": "Grow more"}).json
        assert renamed["updated_at"] == iso(later)
        assert renamed["created_at"] == iso(NOW)


def test_closing_an_objective_moves_its_updated_at(world: World, editor_api: Api) -> None:
    created = objective(editor_api, world)

    with at(5) as later:
        closed = editor_api.patch(
            f"/objectives/{created['id']}", {"state": "closed", "final_score": 0.5}
        ).json

    assert closed["state"] == "closed"
    assert closed["updated_at"] == iso(later)


def test_a_check_in_moves_its_key_result(world: World, editor_api: Api) -> None:
    leads = key_result(editor_api, objective(editor_api, world)["id"])

    with at(3) as later:
        editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 50})
    read = editor_api.get(f"/key-results/{leads['id']}").json

    assert read["current"] == 50
    assert read["updated_at"] == iso(later)
    assert read["created_at"] == iso(NOW)


def test_cycles_teams_and_kpis_move_with_changes_only(world: World, admin_api: Api) -> None:
    kpi = admin_api.post("/kpis", {"name": "Revenue", "team": world.sales.pk, "target": 10}).json
    with at(1):
        cycle = admin_api.patch(f"/cycles/{world.cycle.pk}", {"name": "2026-Q4"}).json
        team = admin_api.patch(f"/teams/{world.sales.pk}", {"name": "Sales"}).json
        same_kpi = admin_api.patch(f"/kpis/{kpi['id']}", {"name": "Revenue"}).json
    assert cycle["updated_at"] == iso(NOW)
    assert team["updated_at"] == iso(NOW)
    assert same_kpi["updated_at"] == iso(NOW)

    with at(2) as later:
        cycle = admin_api.patch(f"/cycles/{world.cycle.pk}", {"name": "Q4"}).json
        team = admin_api.patch(f"/teams/{world.sales.pk}", {"name": "Sales EMEA"}).json
        pushed = admin_api.post(
            f"/kpis/{kpi['id']}/measurements", [{"timestamp": "2026-11-01T00:00:00Z", "value": 3}]
        )
        assert pushed.status_code == 200, pushed.json
    assert cycle["updated_at"] == iso(later)
    assert team["updated_at"] == iso(later)
    assert admin_api.get(f"/kpis/{kpi['id']}").json["updated_at"] == iso(later)


def test_a_person_moves_when_their_teams_change(world: World, admin_api: Api) -> None:
    with at(1):
        same = admin_api.patch(f"/people/{world.viewer.pk}", {"title": ""}).json
    assert same["updated_at"] == iso(NOW)

    with at(2) as later:
        moved = admin_api.patch(
            f"/people/{world.viewer.pk}", {"teams": [{"team": world.sales.pk}]}
        ).json

    assert moved["updated_at"] == iso(later)


# --- updated_since ---------------------------------------------------------------------------


def test_updated_since_keeps_what_changed_at_or_after_the_instant(
    world: World, editor_api: Api
) -> None:
    old = objective(editor_api, world, title="Old")
    with at(10) as later:
        new = objective(editor_api, world, title="New")
    with at(20):
        editor_api.patch(f"/objectives/{old['id']}", {"title": "Old, edited"})

    since_new = editor_api.get("/objectives", updated_since=iso(later)).json
    since_edit = editor_api.get("/objectives", updated_since=iso(NOW + 11 * MINUTE)).json

    assert [o["id"] for o in since_new["items"]] == [old["id"], new["id"]]
    assert [o["id"] for o in since_edit["items"]] == [old["id"]]


def test_updated_since_needs_an_instant_with_a_zone(world: World, editor_api: Api) -> None:
    refused = editor_api.get("/objectives", updated_since="2026-11-20T12:00:00")

    assert refused.status_code == 422
    assert "updated_since" in fields_of(refused)


@pytest.mark.parametrize(
    "path", ["/cycles", "/key-results", "/kpis", "/teams", "/people", "/sources"]
)
def test_every_list_takes_updated_since(world: World, admin_api: Api, path: str) -> None:
    with at(1):
        admin_api.patch(f"/teams/{world.sales.pk}", {"name": "Sales EMEA"})

    answer = admin_api.get(path, updated_since=iso(NOW + 2 * MINUTE))

    assert answer.status_code == 200
    assert answer.json["count"] == 0


# --- The changes feed ------------------------------------------------------------------------


def feed(api: Api, **params: object) -> dict:
    answer = api.get("/changes", **params)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_feed_shows_creations_changes_and_deletions_in_order(
    world: World, editor_api: Api
) -> None:
    kept = objective(editor_api, world, title="Kept")
    with at(1):
        gone = objective(editor_api, world, title="Gone")
        leads = key_result(editor_api, gone["id"])
    with at(2):
        editor_api.patch(f"/objectives/{kept['id']}", {"title": "Kept, edited"})
    with at(3):
        assert editor_api.delete(f"/objectives/{gone['id']}").status_code == 204

    changes = feed(editor_api, since=iso(NOW + MINUTE))["items"]

    assert [(c["type"], c["id"], c["change"]) for c in changes] == [
        ("objective", kept["id"], "updated"),
        ("key_result", leads["id"], "deleted"),
        ("objective", gone["id"], "deleted"),
    ]
    assert changes[0]["at"] == iso(NOW + 2 * MINUTE)
    assert changes[-1]["at"] == iso(NOW + 3 * MINUTE)


def test_the_feed_from_the_start_lists_every_object_as_created(
    world: World, editor_api: Api
) -> None:
    made = objective(editor_api, world)

    changes = feed(editor_api, type="objective,cycle")["items"]

    assert {(c["type"], c["id"], c["change"]) for c in changes} == {
        ("cycle", world.cycle.pk, "created"),
        ("objective", made["id"], "created"),
    }


def test_a_cursor_resumes_the_feed_after_what_was_read(world: World, editor_api: Api) -> None:
    first = objective(editor_api, world, title="First")
    read = feed(editor_api, type="objective")
    assert [c["id"] for c in read["items"]] == [first["id"]]

    with at(1):
        second = objective(editor_api, world, title="Second")
        editor_api.delete(f"/objectives/{first['id']}")
    resumed = feed(editor_api, type="objective", since=read["cursor"])
    again = feed(editor_api, type="objective", since=resumed["cursor"])

    assert [(c["id"], c["change"]) for c in resumed["items"]] == [
        (first["id"], "deleted"),
        (second["id"], "created"),
    ]
    assert again["items"] == []
    assert again["cursor"] == resumed["cursor"]


def test_the_feed_pages_with_next_links_and_sees_each_change_once(
    world: World, editor_api: Api
) -> None:
    made = [objective(editor_api, world, title=f"O{n}")["id"] for n in range(5)]
    for pk in made[:2]:
        editor_api.delete(f"/objectives/{pk}")

    seen: list[tuple[str, int]] = []
    page = feed(editor_api, type="objective", limit=2)
    while True:
        seen += [(c["change"], c["id"]) for c in page["items"]]
        if page["next"] is None:
            break
        page = feed(editor_api, type="objective", limit=2, since=page["cursor"])

    assert sorted(seen) == sorted(
        [("deleted", made[0]), ("deleted", made[1])] + [("created", pk) for pk in made[2:]]
    )


def test_the_feed_keeps_each_workspace_and_admin_only_types_apart(
    world: World, editor_api: Api, admin_api: Api, outsider_api: Api
) -> None:
    hook = admin_api.post(
        "/webhooks", {"url": "https://example.com/hook", "events": ["objective.created"]}
    ).json
    objective(editor_api, world)

    assert ("webhook", hook["id"]) in {(c["type"], c["id"]) for c in feed(admin_api)["items"]}
    assert "webhook" not in {c["type"] for c in feed(editor_api)["items"]}
    assert "objective" not in {c["type"] for c in feed(outsider_api)["items"]}


def test_a_bad_since_is_refused_naming_it(world: World, editor_api: Api) -> None:
    for since in ("yesterday", "2026-11-20T12:00:00", "bm90IGEgY3Vyc29y"):
        refused = editor_api.get("/changes", since=since)
        assert refused.status_code == 422, since
        assert "since" in fields_of(refused)
