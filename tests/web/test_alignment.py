"""The alignment tree: company objectives at the roots, supporting ones below, unaligned apart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.services import create_team
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)


def alignment_html(client: Client, query: str = "") -> str:
    response = client.get(reverse("alignment") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def tree(world: World, now: dt.datetime) -> dict[str, int]:
    """Company -> Sales -> a person's objective, and an unaligned one in Sales."""
    root = factories.objective(world.cycle, world.company, "Win the market", owner=world.admin)
    factories.key_result(root, "Share", check_ins=[(40, now - DAY)])
    team = factories.objective(
        world.cycle, world.sales, "Sell more", owner=world.editor, parent=root
    )
    factories.key_result(team, "Deals", check_ins=[(80, now - DAY)])
    person = factories.objective(
        world.cycle, world.sales, "Call every lead", owner=world.editor, parent=team
    )
    loose = factories.objective(world.cycle, world.sales, "Tidy the CRM", owner=world.editor)
    return {"root": root.pk, "team": team.pk, "person": person.pk, "loose": loose.pk}


def node(html: str, pk: int) -> str:
    return html.split(f'id="node-{pk}"')[1].split('class="tree__children"')[0]


def test_the_tree_nests_objectives_by_their_parent_links(
    world: World, tree: dict[str, int]
) -> None:
    html = alignment_html(world.client_for(world.viewer))

    root = html.split(f'id="node-{tree["root"]}"')[1]
    assert root.index("Sell more") < root.index("Call every lead")
    assert f'aria-controls="children-{tree["root"]}"' in html
    assert 'data-search="win the market ada admin acme"' in html
    assert "2 below" in node(html, tree["root"])
    assert 'data-tone="at_risk"' in node(html, tree["root"])  # 40% at 55% of the cycle
    assert ">40%<" in node(html, tree["root"])
    assert "Company" in node(html, tree["root"])


def test_unaligned_objectives_show_apart_by_team(world: World, tree: dict[str, int]) -> None:
    html = alignment_html(world.client_for(world.viewer))
    unaligned = html.split('id="unaligned"')[1]

    assert "Tidy the CRM" in unaligned
    assert "Sell more" not in unaligned
    assert 'Unaligned <span class="count">1<' in html
    assert "1 unaligned" in html


def test_a_small_tree_opens_fully(world: World, tree: dict[str, int]) -> None:
    html = alignment_html(world.client_for(world.viewer))

    assert "data-collapsed" not in html
    assert "data-tree-toggle title" in html
    assert 'aria-expanded="false" aria-controls="children-' not in html


def test_focus_marks_an_objective_and_opens_its_path(
    world: World, tree: dict[str, int], settings: object
) -> None:
    from goalkeeper.okrs.pages import alignment

    queries_open = alignment.TREE_OPEN_UP_TO
    alignment.TREE_OPEN_UP_TO = 0  # as in a large company: only the first level open
    try:
        closed = alignment_html(world.client_for(world.viewer))
        focused = alignment_html(world.client_for(world.viewer), f"focus={tree['person']}")
    finally:
        alignment.TREE_OPEN_UP_TO = queries_open

    assert f'id="children-{tree["team"]}" role="group" data-collapsed' in closed
    assert f'id="children-{tree["team"]}" role="group" data-collapsed' not in focused
    assert re.search(
        rf'id="node-{tree["person"]}"[^>]*>\s*<div class="tree__row is-focused"', focused
    )


def test_a_cycle_can_be_chosen_and_another_workspaces_is_not_found(
    world: World, tree: dict[str, int], things: object
) -> None:
    mine = world.client_for(world.viewer)
    outsider = world.client_for(world.outsider)

    assert mine.get(reverse("alignment_cycle", args=[world.cycle.pk])).status_code == 200
    assert outsider.get(reverse("alignment_cycle", args=[world.cycle.pk])).status_code == 404
    assert "Win the market" not in alignment_html(outsider)


def test_an_empty_cycle_and_no_cycle_say_what_comes_here(world: World) -> None:
    client = world.client_for(world.viewer)

    assert "No objectives in this cycle yet" in alignment_html(client)
    world.cycle.delete()
    assert "No cycle yet" in alignment_html(client)


def test_a_company_without_objectives_leaves_team_ones_unaligned(world: World) -> None:
    marketing = create_team(
        actor=None, workspace=world.acme, name="Marketing", parent=world.company
    )
    factories.objective(world.cycle, marketing, "Be known", owner=world.editor)

    html = alignment_html(world.client_for(world.viewer))

    assert "No company-level objective in 2026-Q4 yet" in html
    assert "Be known" in html.split('id="unaligned"')[1]


def test_titles_are_escaped_in_the_tree(world: World) -> None:
    factories.objective(world.cycle, world.company, "<script>alert(1)</script>", owner=world.admin)

    html = alignment_html(world.client_for(world.viewer))

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
