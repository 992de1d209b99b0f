"""Lists: cursor paging with next links, sort, several values per filter, q and expand."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from goalkeeper.okrs import services
from tests.api.conftest import NOW, Api, fields_of
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


def objective(api: Api, world: World, **fields: object) -> dict:
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow", **fields}
    response = api.post("/objectives", body)
    assert response.status_code == 201, response.json
    return response.json


def key_result(api: Api, objective_id: int, title: str = "Leads") -> dict:
    body = {"objective": objective_id, "title": title, "start": 0, "target": 200}
    response = api.post("/key-results", body)
    assert response.status_code == 201, response.json
    return response.json


def cursor_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


def test_a_page_links_the_next_one_in_its_body_and_header(world: World, editor_api: Api) -> None:
    made = [objective(editor_api, world, title=f"O{n}")["id"] for n in range(3)]

    first = editor_api.get("/objectives", limit=2, state="active")
    link = first.json["next"]
    second = editor_api.get("/objectives", **parse_qs(urlsplit(link).query))

    assert first.json["count"] == 3
    assert [o["id"] for o in first.json["items"]] == made[:2]
    assert first.headers["Link"] == f'<{link}>; rel="next"'
    assert parse_qs(urlsplit(link).query)["state"] == ["active"]
    assert [o["id"] for o in second.json["items"]] == made[2:]
    assert second.json["next"] is None
    assert "Link" not in second.headers


def test_walking_a_list_sees_every_item_once_while_items_are_added(
    world: World, editor_api: Api
) -> None:
    before = [objective(editor_api, world, title=f"O{n}")["id"] for n in range(7)]
    added: list[int] = []
    seen: list[int] = []
    params: dict[str, object] = {"limit": 3}
    while True:
        page = editor_api.get("/objectives", **params).json
        seen += [o["id"] for o in page["items"]]
        added.append(objective(editor_api, world, title=f"Added {len(added)}")["id"])
        if page["next"] is None:
            break
        params = {"limit": 3, "cursor": cursor_of(page["next"])}

    assert sorted(seen) == sorted(set(seen))
    assert set(before) <= set(seen)
    assert set(seen) <= set(before) | set(added)


def test_walking_a_sorted_list_sees_every_item_once(world: World, editor_api: Api) -> None:
    made = {objective(editor_api, world, title=title)["id"]: title for title in "EBDAC"}
    seen: list[str] = []
    params: dict[str, object] = {"limit": 2, "sort": "-title"}
    while True:
        page = editor_api.get("/objectives", **params).json
        seen += [o["title"] for o in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": 2, "sort": "-title", "cursor": cursor_of(page["next"])}

    assert seen == sorted(made.values(), reverse=True)


def test_sort_orders_by_the_field_ties_by_id(world: World, editor_api: Api) -> None:
    first = objective(editor_api, world, title="B")
    second = objective(editor_api, world, title="A")
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        editor_api.patch(f"/objectives/{first['id']}", {"description": "moved"})

    by_title = editor_api.get("/objectives", sort="title").json["items"]
    newest = editor_api.get("/objectives", sort="-updated_at").json["items"]

    assert [o["id"] for o in by_title] == [second["id"], first["id"]]
    assert [o["id"] for o in newest] == [first["id"], second["id"]]


def test_a_filter_takes_several_values(world: World, editor_api: Api) -> None:
    draft = objective(editor_api, world, title="Draft", state="draft")
    active = objective(editor_api, world, title="Active")
    closed = objective(editor_api, world, title="Closed")
    editor_api.patch(f"/objectives/{closed['id']}", {"state": "closed", "final_score": 0.3})
    mine = objective(editor_api, world, title="Owned", owner=world.owner.pk)

    both = editor_api.get("/objectives", state="active,draft").json["items"]
    owners = editor_api.get("/objectives", owner=f"{world.owner.pk},{world.editor.pk}").json

    assert {o["id"] for o in both} == {draft["id"], active["id"], mine["id"]}
    assert owners["count"] == 4


def test_a_filter_value_out_of_its_choices_is_refused_naming_the_filter(
    world: World, editor_api: Api
) -> None:
    refused = editor_api.get("/objectives", state="active,sleeping")

    assert refused.status_code == 422
    assert "state" in fields_of(refused)


def test_q_finds_words_of_titles(world: World, editor_api: Api) -> None:
    pipeline = objective(editor_api, world, title="Grow the pipeline")
    objective(editor_api, world, title="Hire engineers")
    leads = key_result(editor_api, pipeline["id"], title="Qualified leads")

    assert [o["id"] for o in editor_api.get("/objectives", q="PIPE").json["items"]] == [
        pipeline["id"]
    ]
    assert [k["id"] for k in editor_api.get("/key-results", q="lead").json["items"]] == [
        leads["id"]
    ]


def test_a_cursor_is_refused_with_another_sort_or_garbled(world: World, editor_api: Api) -> None:
    for n in range(3):
        objective(editor_api, world, title=f"O{n}")
    link = editor_api.get("/objectives", limit=1).json["next"]

    other_sort = editor_api.get("/objectives", limit=1, sort="title", cursor=cursor_of(link))
    garbled = editor_api.get("/objectives", cursor="garbage!")
    both = editor_api.get("/objectives", cursor=cursor_of(link), offset=1)

    assert other_sort.status_code == garbled.status_code == both.status_code == 422
    assert "cursor" in fields_of(other_sort)
    assert "cursor" in fields_of(garbled)
    assert "offset" in fields_of(both)


def test_offset_still_pages_for_this_version(world: World, editor_api: Api) -> None:
    made = [objective(editor_api, world, title=f"O{n}")["id"] for n in range(3)]

    page = editor_api.get("/objectives", limit=1, offset=1).json

    assert [o["id"] for o in page["items"]] == [made[1]]
    assert page["next"] is not None


def test_expand_inlines_key_results_and_owners_in_bounded_queries(
    world: World, editor_api: Api, django_assert_max_num_queries
) -> None:
    for n in range(12):
        made = objective(editor_api, world, title=f"O{n}", owner=world.owner.pk)
        key_result(editor_api, made["id"], title=f"K{n}a")
        key_result(editor_api, made["id"], title=f"K{n}b")

    with django_assert_max_num_queries(25):
        page = editor_api.get("/objectives", expand="key_results,owner", limit=100).json

    first = page["items"][0]
    assert [k["title"] for k in first["expanded"]["key_results"]] == ["K0a", "K0b"]
    assert first["expanded"]["owner"]["name"] == "Owen Owner"
    assert editor_api.get("/objectives").json["items"][0]["expanded"] is None


def test_expand_on_key_results_and_kpis(world: World, editor_api: Api) -> None:
    made = objective(editor_api, world)
    key_result(editor_api, made["id"])
    kpi = editor_api.post(
        "/kpis", {"name": "Revenue", "team": world.sales.pk, "target": 10, "warning": 5}
    ).json

    kr = editor_api.get("/key-results", expand="owner").json["items"][0]
    expanded_kpi = editor_api.get("/kpis", expand="owner,team").json["items"][0]

    assert kr["expanded"]["owner"]["id"] == world.editor.pk
    assert expanded_kpi["id"] == kpi["id"]
    assert expanded_kpi["expanded"]["team"]["name"] == "Sales"


def test_kpis_sorted_by_a_figure_page_by_position(world: World, editor_api: Api) -> None:
    names = ["Delta", "alpha", "Charlie", "bravo"]
    for name in names:
        made = editor_api.post(
            "/kpis", {"name": name, "team": world.sales.pk, "target": 10, "warning": 5}
        )
        assert made.status_code == 201, made.json

    seen: list[str] = []
    params: dict[str, object] = {"limit": 3, "sort": "name"}
    while True:
        page = editor_api.get("/kpis", **params).json
        seen += [k["name"] for k in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": 3, "sort": "name", "cursor": cursor_of(page["next"])}

    assert seen == sorted(names, key=str.lower)


def test_check_ins_page_newest_first(world: World, editor_api: Api) -> None:
    leads = key_result(editor_api, objective(editor_api, world)["id"])
    for minutes, value in ((1, 10), (2, 20), (3, 30)):
        with time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False):
            editor_api.post(f"/key-results/{leads['id']}/check-ins", {"value": value})

    first = editor_api.get(f"/key-results/{leads['id']}/check-ins", limit=2).json
    rest = editor_api.get(
        f"/key-results/{leads['id']}/check-ins", limit=2, cursor=cursor_of(first["next"])
    ).json

    assert [c["value"] for c in first["items"] + rest["items"]] == [30, 20, 10]
    assert rest["next"] is None


def test_people_filter_by_several_teams_and_words(world: World, admin_api: Api) -> None:
    found = admin_api.get("/people", team=f"{world.sales.pk},{world.company.pk}", q="eddie")

    assert [p["id"] for p in found.json["items"]] == [world.editor.pk]


def test_a_service_write_without_change_keeps_updated_at(world: World) -> None:
    made = services.create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Same", owner=world.editor
    )
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        made.save()
        made.refresh_from_db()

    assert made.updated_at == NOW
