"""The cascade on the strategy map: objectives aligned to a key result hang below that key
result's node, key results contributing to it are dashed leaves, and so are further parents;
the JSON stays bounded (the same queries with three aligned objectives and with thirty)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.okrs.conftest import NOW
from tests.okrs.test_cascade_pages import Cascade, build_cascade, grow_cascade

MAP = reverse("strategy_map")


@pytest.fixture
def cascade(world: World) -> Iterator[Cascade]:
    with time_machine.travel(NOW, tick=False):
        yield build_cascade(world)


def map_data(client: Client, url: str = MAP) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    script = html.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(script)  # type: ignore[no-any-return]


def find(node: dict[str, Any], key: str) -> dict[str, Any] | None:
    if node["key"] == key:
        return node
    for child in node["children"]:
        found = find(child, key)
        if found is not None:
            return found
    return None


def keys(node: dict[str, Any]) -> list[str]:
    return [child["key"] for child in node["children"]]


def test_an_objective_aligned_to_a_key_result_hangs_below_that_key_result(
    world: World, cascade: Cascade
) -> None:
    root = map_data(world.client_for(world.viewer))["root"]

    company = find(root, f"objective-{cascade.company.pk}")
    kr = find(root, f"kr-{cascade.mrr.pk}")
    assert company is not None
    assert kr is not None
    assert f"kr-{cascade.mrr.pk}" in keys(company)
    assert f"objective-{cascade.team.pk}" not in keys(company)
    assert f"objective-{cascade.team.pk}" in keys(kr)
    assert (kr["kind"], kr["edge"], kr["name"]) == ("key_result", "aligns", "Reach $600k MRR")
    assert kr["url"] == f"/objectives/{cascade.company.pk}/#kr-{cascade.mrr.pk}"


def test_contributions_and_further_parents_are_dashed_leaves(
    world: World, cascade: Cascade
) -> None:
    root = map_data(world.client_for(world.viewer))["root"]

    kr = find(root, f"kr-{cascade.mrr.pk}")
    other = find(root, f"objective-{cascade.other.pk}")
    assert kr is not None
    assert other is not None
    alice = find(kr, f"contribution-{cascade.alice.pk}")
    assert alice is not None
    assert (alice["edge"], alice["name"]) == ("contributes", "Alice's MRR")
    assert alice["url"] == f"/objectives/{cascade.team.pk}/#kr-{cascade.alice.pk}"
    also = [child for child in other["children"] if child["edge"] == "also"]
    assert [(a["name"], a["url"]) for a in also] == [
        ("Sell to mid-market", f"/objectives/{cascade.team.pk}/")
    ]


def test_the_list_beside_the_map_names_each_link(world: World, cascade: Cascade) -> None:
    html = world.client_for(world.viewer).get(MAP).content.decode()

    assert '<span class="map-list__edge">contributes</span>' in html
    assert '<span class="map-list__edge">also supports</span>' in html
    assert '<span class="map-list__edge">key result</span>' in html


def test_a_key_result_node_draws_a_bounded_number_of_leaves(world: World, cascade: Cascade) -> None:
    with time_machine.travel(NOW, tick=False):
        grow_cascade(world, cascade, 30)

    root = map_data(world.client_for(world.viewer))["root"]

    kr = find(root, f"kr-{cascade.mrr.pk}")
    assert kr is not None
    leaves = [child for child in kr["children"] if child["edge"] == "contributes"]
    assert len(leaves) == 25


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_of",
    [
        lambda c: MAP,
        lambda c: (
            f"{reverse('strategy_map_nodes')}?cycle={c.company.cycle_id}&parent={c.company.pk}"
        ),
    ],
)
def test_the_map_runs_the_same_queries_whatever_the_cascade(
    world: World, cascade: Cascade, url_of: Any
) -> None:
    client = world.client_for(world.viewer)
    url = url_of(cascade)
    with time_machine.travel(NOW, tick=False):
        grow_cascade(world, cascade, 3)
        client.get(url)
        small = count(client, url)
        grow_cascade(world, cascade, 27, start=3)
        large = count(client, url)

    assert small == large, f"{small} queries with 3 aligned objectives, {large} with 30"
