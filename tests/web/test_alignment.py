"""The alignment tree: company objectives at the roots, supporting ones below, unaligned apart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.services import create_team
from goalkeeper.okrs.pages import alignment
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
    assert "1 supporting, 2 below" in node(html, tree["root"])
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
    assert 'aria-expanded="true" aria-controls="children-' in html
    assert 'aria-expanded="false" aria-controls="children-' not in html
    assert "hx-get" not in html.split('class="tree-card card"')[1]  # nothing left to load
    assert "Expand all" in html


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a large company: the tree opens nothing beyond the company level."""
    monkeypatch.setattr(alignment, "TREE_OPEN_UP_TO", 0)


@pytest.mark.usefixtures("large")
def test_a_large_tree_shows_the_company_level_with_counts_and_loads_the_rest(
    world: World, tree: dict[str, int]
) -> None:
    client = world.client_for(world.viewer)
    html = alignment_html(client)
    children_url = reverse("alignment_children", args=[tree["root"]])

    assert f'id="node-{tree["root"]}"' in html
    assert f'id="node-{tree["team"]}"' not in html  # not loaded until opened
    assert "1 supporting, 2 below" not in html  # only direct counts at scale
    assert "1 supporting" in node(html, tree["root"])
    assert f'hx-get="{children_url}"' in html
    assert f'aria-controls="children-{tree["root"]}"' in html
    # Without JavaScript, the same node opens through a link to a page focused on it.
    assert f'href="{reverse("alignment_cycle", args=[world.cycle.pk])}?focus={tree["root"]}' in html
    assert "Expand all" not in html

    fragment = client.get(children_url, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="node-{tree["team"]}"' in fragment
    assert "1 supporting" in fragment
    assert f'id="node-{tree["person"]}"' not in fragment  # one level at a time
    plain = client.get(children_url)
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"?focus={tree['root']}#node-{tree['root']}")


@pytest.mark.usefixtures("large")
def test_focus_marks_an_objective_and_opens_its_path(world: World, tree: dict[str, int]) -> None:
    focused = alignment_html(world.client_for(world.viewer), f"focus={tree['person']}")

    assert f'id="children-{tree["root"]}">' in focused
    assert f'id="children-{tree["team"]}">' in focused
    assert re.search(rf'id="node-{tree["person"]}"[^>]*><div class="tree__row is-focused"', focused)


def test_a_node_with_many_children_loads_them_a_page_at_a_time(
    world: World, tree: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignment, "CHILDREN_PAGE", 3)
    for n in range(5):
        factories.objective(
            world.cycle, world.sales, f"Support {n}", owner=world.editor, parent_id=tree["team"]
        )
    client = world.client_for(world.viewer)
    url = reverse("alignment_children", args=[tree["team"]])

    first = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    last = client.get(url, {"start": 3}, HTTP_HX_REQUEST="true").content.decode()

    assert first.count('class="tree__item"') == 3
    assert f'hx-get="{url}?start=3"' in first
    assert "3 of 6 shown" in first
    assert last.count('class="tree__item"') == 3
    assert "tree__more" not in last


@pytest.mark.usefixtures("large")
def test_unaligned_objectives_are_paged(
    world: World, tree: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignment, "UNALIGNED_PAGE", 2)
    for n in range(3):
        factories.objective(world.cycle, world.sales, f"Loose {n}", owner=world.editor)
    client = world.client_for(world.viewer)

    first = alignment_html(client)
    second = alignment_html(client, "unaligned=2")

    assert "Page 1 of 2" in first
    assert first.split('id="unaligned"')[1].count('class="tree__item"') == 2
    assert second.split('id="unaligned"')[1].count('class="tree__item"') == 2
    assert 'Unaligned <span class="count">4<' in first


def test_the_search_finds_a_deep_objective_and_shows_its_path(
    world: World, tree: dict[str, int]
) -> None:
    deep = factories.objective(
        world.cycle, world.sales, "Write the playbook", owner=world.editor, parent_id=tree["person"]
    )
    client = world.client_for(world.viewer)

    fragment = client.get(
        reverse("alignment"),
        {"q": "playbook"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tree-search-results",
    ).content.decode()
    page = alignment_html(client, "q=playbook")

    assert fragment.startswith('<div id="tree-search-results"')
    assert "1 objective matches" in fragment
    hit = fragment.split(f'data-search-hit="{deep.pk}"')[1]
    path = re.findall(r'href="[^"]*\?focus=(\d+)#node-\d+">([^<]+)<', hit.split("</ol>")[0])
    assert path == [
        (str(tree["root"]), "Win the market"),
        (str(tree["team"]), "Sell more"),
        (str(tree["person"]), "Call every lead"),
    ]
    assert f"?focus={deep.pk}#node-{deep.pk}" in hit  # "Show in the tree"
    assert "1 objective matches" in page  # without JavaScript, on the page


def test_the_search_matches_owners_and_teams_and_says_when_nothing_does(
    world: World, tree: dict[str, int]
) -> None:
    client = world.client_for(world.viewer)

    by_owner = alignment_html(client, "q=ada")
    by_team = alignment_html(client, "q=sales")
    nothing = alignment_html(client, "q=zebra")

    assert f'data-search-hit="{tree["root"]}"' in by_owner
    assert "3 objectives match" in by_team
    assert "No objective matches" in nothing


def test_the_search_stays_in_the_workspace_and_leaves_drafts_out(
    world: World, tree: dict[str, int], things: object
) -> None:
    factories.objective(world.cycle, world.sales, "Market draft", state="draft")
    client = world.client_for(world.outsider)

    mine = alignment_html(world.client_for(world.viewer), "q=market")
    theirs = alignment_html(client, "q=market")

    assert "1 objective matches" in mine  # "Win the market", not the draft
    assert "Win the market" not in theirs
    children = reverse("alignment_children", args=[tree["root"]])
    assert client.get(children, HTTP_HX_REQUEST="true").status_code == 404


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


@pytest.mark.usefixtures("large")
def test_titles_are_escaped_in_the_fragment_and_the_search(
    world: World, tree: dict[str, int]
) -> None:
    factories.objective(
        world.cycle, world.sales, "<b>bold</b>", owner=world.editor, parent_id=tree["root"]
    )
    client = world.client_for(world.viewer)

    fragment = client.get(
        reverse("alignment_children", args=[tree["root"]]), HTTP_HX_REQUEST="true"
    ).content.decode()
    search = alignment_html(client, "q=bold")

    for html in (fragment, search):
        assert "<b>bold" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
