"""An objective's parents through the API: `aligned_to` (objectives or key results, one of
them primary), kept consistent with `parent`, and loops refused (docs/cascade.md)."""

from __future__ import annotations

import pytest

from goalkeeper.audit.models import AuditEntry
from tests.api.conftest import Api, fields_of
from tests.api.test_okrs import key_result, objective
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


def parent(objective_id: int, key_result_id: int | None = None, primary: bool = False) -> dict:
    return {"objective": objective_id, "key_result": key_result_id, "primary": primary}


@pytest.fixture
def company(world: World, editor_api: Api) -> dict:
    return objective(editor_api, world, title="Reach 600k MRR")


@pytest.fixture
def mrr(editor_api: Api, company: dict) -> dict:
    return key_result(editor_api, company["id"], title="MRR", start=0, target=600)


@pytest.fixture
def product(world: World, editor_api: Api) -> dict:
    return objective(editor_api, world, title="Ship the product")


def test_an_objective_supports_a_key_result_and_another_objective(
    world: World, editor_api: Api, company: dict, mrr: dict, product: dict
) -> None:
    sell = objective(
        editor_api,
        world,
        title="Sell",
        aligned_to=[{"key_result": mrr["id"]}, {"objective": product["id"]}],
    )

    assert sell["parent"] == company["id"]
    assert sell["aligned_to"] == [
        parent(company["id"], mrr["id"], primary=True),
        parent(product["id"]),
    ]
    assert editor_api.get(f"/objectives/{sell['id']}").json["aligned_to"] == sell["aligned_to"]
    listed = editor_api.get("/objectives", parent=company["id"]).json["items"]
    assert [item["id"] for item in listed] == [sell["id"]]


def test_the_parent_marked_primary_comes_first(
    world: World, editor_api: Api, company: dict, mrr: dict, product: dict
) -> None:
    sell = objective(editor_api, world, title="Sell")

    changed = editor_api.patch(
        f"/objectives/{sell['id']}",
        {"aligned_to": [parent(product["id"]), parent(company["id"], mrr["id"], primary=True)]},
    ).json

    assert changed["parent"] == company["id"]
    assert changed["aligned_to"] == [
        parent(company["id"], mrr["id"], primary=True),
        parent(product["id"]),
    ]
    entry = AuditEntry.objects.filter(action="objective.updated", object_id=sell["id"]).last()
    assert entry is not None
    assert "parents" in entry.changes


def test_an_empty_list_clears_every_parent(
    world: World, editor_api: Api, mrr: dict, product: dict
) -> None:
    both = [{"key_result": mrr["id"]}, parent(product["id"])]
    sell = objective(editor_api, world, title="Sell", aligned_to=both)

    cleared = editor_api.patch(f"/objectives/{sell['id']}", {"aligned_to": []}).json

    assert cleared["parent"] is None
    assert cleared["aligned_to"] == []


def test_patching_parent_changes_the_primary_and_keeps_the_others(
    world: World, editor_api: Api, mrr: dict, product: dict
) -> None:
    ops = objective(editor_api, world, title="Run lean")
    both = [{"key_result": mrr["id"]}, parent(product["id"])]
    sell = objective(editor_api, world, title="Sell", aligned_to=both)

    moved = editor_api.patch(f"/objectives/{sell['id']}", {"parent": ops["id"]}).json

    assert moved["parent"] == ops["id"]
    assert moved["aligned_to"] == [parent(ops["id"], primary=True), parent(product["id"])]


def test_parent_given_with_aligned_to_must_agree(
    world: World, editor_api: Api, company: dict, mrr: dict, product: dict
) -> None:
    sell = objective(editor_api, world, title="Sell")
    path = f"/objectives/{sell['id']}"

    agreed = editor_api.patch(
        path, {"parent": company["id"], "aligned_to": [{"key_result": mrr["id"]}]}
    )
    refused = editor_api.patch(
        path, {"parent": product["id"], "aligned_to": [{"key_result": mrr["id"]}]}
    )

    assert agreed.status_code == 200
    assert refused.status_code == 422
    assert set(fields_of(refused)) == {"parent"}


def test_an_alignment_loop_is_refused(world: World, editor_api: Api, company: dict) -> None:
    sell = objective(editor_api, world, title="Sell", aligned_to=[parent(company["id"])])
    deals = key_result(editor_api, sell["id"], title="Deals")

    through_objective = editor_api.patch(
        f"/objectives/{company['id']}", {"aligned_to": [parent(sell["id"])]}
    )
    through_key_result = editor_api.patch(
        f"/objectives/{company['id']}", {"aligned_to": [{"key_result": deals["id"]}]}
    )

    for refused in (through_objective, through_key_result):
        assert refused.status_code == 422
        assert "loop" in fields_of(refused)["aligned_to"]
    assert editor_api.get(f"/objectives/{company['id']}").json["aligned_to"] == []


def test_a_secondary_parent_loop_is_refused(
    world: World, editor_api: Api, company: dict, product: dict
) -> None:
    sell = objective(
        editor_api, world, title="Sell", aligned_to=[parent(product["id"]), parent(company["id"])]
    )

    refused = editor_api.patch(f"/objectives/{company['id']}", {"aligned_to": [parent(sell["id"])]})

    assert refused.status_code == 422
    assert "loop" in fields_of(refused)["aligned_to"]


def test_one_parent_at_most_is_primary(
    world: World, editor_api: Api, company: dict, product: dict
) -> None:
    refused = editor_api.post(
        "/objectives",
        {
            "cycle": world.cycle.pk,
            "team": world.sales.pk,
            "title": "Sell",
            "aligned_to": [
                parent(company["id"], primary=True),
                parent(product["id"], primary=True),
            ],
        },
    )

    assert refused.status_code == 422
    assert fields_of(refused) == {"aligned_to": "only one parent can be primary"}


def test_each_parent_is_named_in_the_errors(
    world: World, editor_api: Api, mrr: dict, product: dict
) -> None:
    sell = objective(editor_api, world, title="Sell")
    path = f"/objectives/{sell['id']}"

    unknown = editor_api.patch(path, {"aligned_to": [parent(product["id"]), parent(987654)]})
    mismatched = editor_api.patch(
        path, {"aligned_to": [{"objective": product["id"], "key_result": mrr["id"]}]}
    )
    empty = editor_api.patch(path, {"aligned_to": [{"primary": True}]})

    assert fields_of(unknown) == {"aligned_to.1.objective": "no such objective"}
    assert fields_of(mismatched) == {
        "aligned_to.0.key_result": "must be a key result of the objective given"
    }
    assert fields_of(empty) == {"aligned_to.0": "give an objective, a key result, or both"}


def test_a_refused_parent_creates_no_objective(world: World, editor_api: Api) -> None:
    refused = editor_api.post(
        "/objectives",
        {
            "cycle": world.cycle.pk,
            "team": world.sales.pk,
            "title": "Sell",
            "aligned_to": [parent(987654)],
        },
    )

    assert refused.status_code == 422
    assert editor_api.get("/objectives").json["count"] == 0
