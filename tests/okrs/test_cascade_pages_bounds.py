"""The cascade on the alignment tree, and the bounded queries of the pages that show it: the
objective page, the tree (and a node's page of children) run the same number of queries
with three objectives aligned to a key result and with thirty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.okrs.test_cascade_pages import Cascade, build_cascade, grow_cascade, section

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def cascade(world: World) -> Cascade:
    return build_cascade(world)


def tree_html(client: Client, query: str = "") -> str:
    response = client.get(reverse("alignment") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_objective_aligned_to_a_key_result_says_so_in_the_tree(
    editor: Client, cascade: Cascade
) -> None:
    node = section(tree_html(editor), f'id="node-{cascade.team.pk}"', "</li>")

    assert "via KR:" in node
    assert (
        f'href="/objectives/{cascade.company.pk}/#kr-{cascade.mrr.pk}">Reach $600k MRR</a>' in node
    )


def test_the_tree_places_it_under_the_parent_and_marks_the_further_parent(
    editor: Client, cascade: Cascade
) -> None:
    html = tree_html(editor)

    company = section(html, f'id="node-{cascade.company.pk}"', f'id="node-{cascade.other.pk}"')
    assert f'id="node-{cascade.team.pk}"' in company
    also = section(html, f'id="node-{cascade.team.pk}"', '<ul class="tree__children"')
    assert "Also supports" in also
    assert f'href="/objectives/{cascade.other.pk}/">Delight customers</a>' in also


def test_contributing_key_results_link_to_the_key_result_they_add_to(
    editor: Client, cascade: Cascade
) -> None:
    node = section(tree_html(editor), f'id="node-{cascade.team.pk}"', "</ul>")

    contribution = section(node, f'data-tree-contribution="{cascade.alice.pk}"', "</li>")
    assert "Alice&#x27;s MRR" in contribution
    assert f'#kr-{cascade.mrr.pk}">Reach $600k MRR</a>' in contribution


def test_a_nodes_page_of_children_carries_the_same_links(editor: Client, cascade: Cascade) -> None:
    response = editor.get(
        reverse("alignment_children", args=[cascade.company.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()

    assert "via KR:" in html
    assert "Also supports" in html
    assert f'data-tree-contribution="{cascade.bob.pk}"' in html


def get(client: Client, url: str) -> Any:
    """A page, or (for a node's children) the fragment htmx asks for."""
    if "children" in url:
        return client.get(url, HTTP_HX_REQUEST="true")
    return client.get(url)


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get(client, url)
    assert response.status_code == 200
    return len(captured)


def same_count_small_and_large(world: World, cascade: Cascade, client: Client, url: str) -> int:
    grow_cascade(world, cascade, 3)
    client.get(
        url, HTTP_HX_REQUEST="true"
    )  # warm caches (content types, session) outside the measure
    small = count(client, url)
    grow_cascade(world, cascade, 27, start=3)
    large = count(client, url)
    assert small == large, f"{small} queries with 3 aligned objectives, {large} with 30"
    return large


@pytest.mark.parametrize(
    ("name", "url_of"),
    [
        ("the objective page", lambda c: reverse("objective_detail", args=[c.company.pk])),
        ("a supporting objective", lambda c: reverse("objective_detail", args=[c.team.pk])),
        ("the tree", lambda c: reverse("alignment")),
        ("a node's children", lambda c: reverse("alignment_children", args=[c.company.pk])),
    ],
)
def test_the_pages_run_the_same_queries_whatever_the_cascade(
    world: World, editor: Client, cascade: Cascade, name: str, url_of: Callable[[Cascade], Any]
) -> None:
    same_count_small_and_large(world, cascade, editor, url_of(cascade))
