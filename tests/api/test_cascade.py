"""Contributions through the API: `contributes_to` and `rollup` on key results, the values
they add up to after check-ins on the contributors, and what is refused (docs/cascade.md)."""

from __future__ import annotations

import pytest

from goalkeeper.accounts.services import company_team
from goalkeeper.okrs.services import create_cycle, create_key_result, create_objective
from tests.api.conftest import Api, fields_of
from tests.api.test_okrs import key_result, objective
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def mrr(world: World, editor_api: Api) -> dict:
    """The company's "Reach 600k MRR", which adds up what the salespeople bring."""
    company = objective(editor_api, world, title="Reach 600k MRR")
    return key_result(editor_api, company["id"], title="MRR", start=0, target=600, rollup="sum")


def contributor(api: Api, world: World, parent: dict, title: str, **fields) -> dict:
    mine = objective(api, world, title=f"{title}'s quarter")
    return key_result(
        api, mine["id"], title=title, start=0, target=200, contributes_to=parent["id"], **fields
    )


def check_in(api: Api, key_result_id: int, value: float) -> None:
    response = api.post(f"/key-results/{key_result_id}/check-ins", {"value": value})
    assert response.status_code == 201, response.json


def test_a_rolled_up_key_result_is_the_sum_of_its_contributors(
    world: World, editor_api: Api, mrr: dict
) -> None:
    ann = contributor(editor_api, world, mrr, "Ann")
    bob = contributor(editor_api, world, mrr, "Bob")

    check_in(editor_api, ann["id"], 120)
    check_in(editor_api, bob["id"], 80)

    parent = editor_api.get(f"/key-results/{mrr['id']}").json
    assert parent["rollup"] == "sum"
    assert parent["current"] == 200
    assert parent["contributors"] == [ann["id"], bob["id"]]
    assert ann["contributes_to"] == mrr["id"]
    latest = editor_api.get(f"/key-results/{mrr['id']}/check-ins").json["items"][0]
    assert (latest["value"], latest["automatic"]) == (200, True)
    listed = editor_api.get("/key-results", contributes_to=mrr["id"]).json
    assert [item["id"] for item in listed["items"]] == [ann["id"], bob["id"]]


def test_an_average_roll_up_averages_the_contributors(
    world: World, editor_api: Api, mrr: dict
) -> None:
    ann = contributor(editor_api, world, mrr, "Ann")
    bob = contributor(editor_api, world, mrr, "Bob")
    changed = editor_api.patch(f"/key-results/{mrr['id']}", {"rollup": "average"})
    assert changed.json["rollup"] == "average"

    check_in(editor_api, ann["id"], 120)
    check_in(editor_api, bob["id"], 80)

    assert editor_api.get(f"/key-results/{mrr['id']}").json["current"] == 100


def test_a_contributor_that_leaves_no_longer_counts(
    world: World, editor_api: Api, mrr: dict
) -> None:
    ann = contributor(editor_api, world, mrr, "Ann")
    bob = contributor(editor_api, world, mrr, "Bob")
    cid = contributor(editor_api, world, mrr, "Cid")
    for person, value in ((ann, 120), (bob, 80), (cid, 50)):
        check_in(editor_api, person["id"], value)

    detached = editor_api.patch(f"/key-results/{bob['id']}", {"contributes_to": None})
    assert detached.json["contributes_to"] is None
    assert editor_api.delete(f"/key-results/{cid['id']}").status_code == 204

    parent = editor_api.get(f"/key-results/{mrr['id']}").json
    assert parent["current"] == 120
    assert parent["contributors"] == [ann["id"]]


def test_contributions_add_up_through_every_level(world: World, editor_api: Api) -> None:
    top = key_result(editor_api, objective(editor_api, world)["id"], title="L0", rollup="sum")
    chain = [top]
    for level in range(1, 4):
        chain.append(contributor(editor_api, world, chain[-1], f"L{level}", rollup="sum"))
    bottom = contributor(editor_api, world, chain[-1], "L4")

    check_in(editor_api, bottom["id"], 42)

    assert [editor_api.get(f"/key-results/{kr['id']}").json["current"] for kr in chain] == [42] * 4


def test_a_rolled_up_key_result_refuses_a_check_in(
    world: World, editor_api: Api, mrr: dict
) -> None:
    contributor(editor_api, world, mrr, "Ann")

    refused = editor_api.post(f"/key-results/{mrr['id']}/check-ins", {"value": 500})

    assert refused.status_code == 422
    assert "check in on them" in fields_of(refused)["value"]
    assert editor_api.get(f"/key-results/{mrr['id']}/check-ins").json["count"] == 0


def test_a_rolled_up_key_result_refuses_a_kpi_link(
    world: World, editor_api: Api, mrr: dict
) -> None:
    kpi = editor_api.post("/kpis", {"team": world.sales.pk, "name": "MRR", "target": 600}).json

    refused = editor_api.patch(f"/key-results/{mrr['id']}", {"kpi": kpi["id"]})

    assert refused.status_code == 422
    assert "kpi" in fields_of(refused)
    assert editor_api.get(f"/key-results/{mrr['id']}").json["kpi"] is None


def test_a_milestone_cannot_add_up_values(world: World, editor_api: Api) -> None:
    launch = objective(editor_api, world)

    refused = editor_api.post(
        "/key-results",
        {"objective": launch["id"], "title": "Launched", "kind": "milestone", "rollup": "sum"},
    )

    assert refused.status_code == 422
    assert "milestone" in fields_of(refused)["rollup"]


def test_a_done_milestone_counts_as_one(world: World, editor_api: Api) -> None:
    launches = key_result(
        editor_api, objective(editor_api, world)["id"], title="Launches", target=3, rollup="sum"
    )
    shipped = contributor(editor_api, world, launches, "Shipped", kind="milestone")

    editor_api.post(f"/key-results/{shipped['id']}/check-ins", {"done": True})

    assert editor_api.get(f"/key-results/{launches['id']}").json["current"] == 1


def test_an_unknown_rollup_is_refused(world: World, editor_api: Api, mrr: dict) -> None:
    refused = editor_api.patch(f"/key-results/{mrr['id']}", {"rollup": "max"})

    assert refused.status_code == 422
    assert set(fields_of(refused)) == {"rollup"}


def test_contributes_to_names_a_key_result_of_the_workspace(
    world: World, editor_api: Api, mrr: dict
) -> None:
    cycle = create_cycle(
        actor=None,
        workspace=world.globex,
        name="2026-Q4",
        start_date=world.cycle.start_date,
        end_date=world.cycle.end_date,
    )
    theirs = create_objective(
        actor=None, cycle=cycle, team=company_team(world.globex), title="Theirs"
    )
    foreign = create_key_result(
        actor=None, objective=theirs, title="Their KR", kind="increase", start=0, target=1
    )
    mine = objective(editor_api, world)

    for wrong in (foreign.pk, 987654):
        refused = editor_api.post(
            "/key-results",
            {"objective": mine["id"], "title": "Sold", "target": 5, "contributes_to": wrong},
        )
        assert refused.status_code == 422
        assert fields_of(refused) == {"contributes_to": "no such key result"}


def test_a_key_result_cannot_contribute_to_itself(world: World, editor_api: Api, mrr: dict) -> None:
    refused = editor_api.patch(f"/key-results/{mrr['id']}", {"contributes_to": mrr["id"]})

    assert refused.status_code == 422
    message = fields_of(refused)["contributes_to"]
    assert "itself" in message or "loop" in message


def test_a_contribution_loop_is_refused(world: World, editor_api: Api, mrr: dict) -> None:
    ann = contributor(editor_api, world, mrr, "Ann", rollup="sum")
    deal = contributor(editor_api, world, ann, "Deal")

    refused = editor_api.patch(f"/key-results/{mrr['id']}", {"contributes_to": deal["id"]})

    assert refused.status_code == 422
    assert "loop" in fields_of(refused)["contributes_to"]
    assert editor_api.get(f"/key-results/{mrr['id']}").json["contributes_to"] is None


def test_a_viewer_cannot_change_contributions(
    world: World, viewer_api: Api, editor_api: Api, mrr: dict
) -> None:
    other = key_result(editor_api, objective(editor_api, world)["id"], title="Other")

    refused = viewer_api.patch(f"/key-results/{other['id']}", {"contributes_to": mrr["id"]})

    assert refused.status_code == 403
