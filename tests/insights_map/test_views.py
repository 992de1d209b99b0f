"""The strategy map's page and JSON answers: access, bad input, escaping, bounded queries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.services import create_team
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.models import Cycle, CycleState
from goalkeeper.okrs.pages import alignment
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.insights_map.conftest import DAY, Alignment
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

MAP = reverse("strategy_map")
NODES = reverse("strategy_map_nodes")
SEARCH = reverse("strategy_map_search")


def page_data(html: str) -> dict:  # type: ignore[type-arg]
    script = html.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(script)  # type: ignore[no-any-return]


def test_the_page_draws_the_cycle_and_lists_the_same_nodes(
    world: World, aligned: Alignment
) -> None:
    response = world.client_for(world.viewer).get(MAP)
    html = response.content.decode()

    assert response.status_code == 200
    data = page_data(html)
    assert data["cycle"] == world.cycle.pk
    assert data["root"]["children"][0]["key"] == f"objective-{aligned.root.pk}"
    assert f'href="/objectives/{aligned.person.pk}/"' in html  # the list, for screen readers
    assert f'href="/kpis/{aligned.kpi.pk}/"' in html
    assert "On track" in html  # the legend
    assert "At risk" in html
    assert f'href="{reverse("alignment_cycle", args=[world.cycle.pk])}"' in html  # Tree | Map
    assert "<script>" not in html  # no inline script (CSP)


def test_without_script_the_search_lists_its_hits_with_links_to_the_map(
    world: World, aligned: Alignment
) -> None:
    html = world.client_for(world.viewer).get(MAP, {"q": "every lead"}).content.decode()

    results = html.split("data-map-results")[1].split("</section>")[0]
    assert "1 objective match" in results
    assert f"?cycle={world.cycle.pk}&amp;focus={aligned.person.pk}" in results
    assert "Win the market" in results  # its path


def test_the_alignment_page_links_to_the_map(world: World, aligned: Alignment) -> None:
    html = world.client_for(world.viewer).get(reverse("alignment")).content.decode()

    assert f'href="{MAP}?cycle={world.cycle.pk}"' in html


def test_the_cycle_picker_switches_cycles(world: World, aligned: Alignment) -> None:
    other = create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.PLANNING,
    )
    html = world.client_for(world.viewer).get(MAP, {"cycle": other.pk}).content.decode()

    assert page_data_or_none(html) is None  # nothing in it yet
    assert "No objectives in this cycle yet" in html
    assert f'<option value="{other.pk}" selected>' in html


def page_data_or_none(html: str) -> dict | None:  # type: ignore[type-arg]
    return page_data(html) if 'id="map-data"' in html else None


def test_without_a_cycle_the_page_says_what_comes(world: World) -> None:
    Cycle.objects.filter(workspace=world.acme).delete()
    html = world.client_for(world.viewer).get(MAP).content.decode()

    assert "No cycle yet" in html


def test_a_title_with_markup_is_escaped_in_the_page_and_the_answers(
    world: World, aligned: Alignment
) -> None:
    evil = '<img src=x onerror="alert(1)">'
    factories.objective(world.cycle, world.sales, evil, owner=world.editor, parent=aligned.root)
    client = world.client_for(world.viewer)
    html = client.get(MAP).content.decode()
    answer = client.get(SEARCH, {"q": "onerror"})

    assert evil not in html
    assert "&lt;img src=x onerror=" in html  # the list
    assert "\\u003Cimg" in html  # the json_script block
    assert answer.json()["hits"][0]["name"] == evil  # plain data; the script escapes it
    assert answer["Content-Type"] == "application/json"


def test_the_nodes_answer_loads_a_page_of_children(world: World, aligned: Alignment) -> None:
    answer = world.client_for(world.viewer).get(
        NODES, {"cycle": world.cycle.pk, "parent": aligned.root.pk}
    )

    assert answer.status_code == 200
    data = answer.json()
    assert data["parent"] == f"objective-{aligned.root.pk}"
    assert [n["key"] for n in data["nodes"]] == [f"objective-{aligned.team.pk}"]
    assert data["nodes"][0]["children"][0]["kind"] == "kpi"
    assert data["total"] == 1
    assert data["more_from"] is None


def test_the_nodes_answer_focuses_an_objective(world: World, aligned: Alignment) -> None:
    data = (
        world.client_for(world.viewer)
        .get(NODES, {"cycle": world.cycle.pk, "focus": aligned.person.pk})
        .json()
    )

    assert data["focus"] == f"objective-{aligned.person.pk}"
    assert data["root"]["kind"] == "company"


def test_the_search_answers_hits_with_paths(world: World, aligned: Alignment) -> None:
    data = (
        world.client_for(world.viewer)
        .get(SEARCH, {"cycle": str(world.cycle.pk), "q": "lead"})
        .json()
    )

    assert data["total"] == 1
    assert data["hits"][0]["id"] == aligned.person.pk
    assert data["hits"][0]["path"] == ["Win the market", "Sell more"]
    assert data["hits"][0]["url"] == f"/objectives/{aligned.person.pk}/"


def test_another_workspaces_objective_or_cycle_is_missing(world: World, aligned: Alignment) -> None:
    client = world.client_for(world.outsider)

    assert client.get(NODES, {"cycle": world.cycle.pk}).status_code == 404
    assert client.get(MAP, {"cycle": world.cycle.pk}).status_code == 404
    assert client.get(SEARCH, {"cycle": str(world.cycle.pk), "q": "lead"}).status_code == 404
    assert client.get(NODES, {"parent": aligned.root.pk}).status_code == 404


def test_an_objective_of_another_cycle_is_missing_from_this_one(
    world: World, aligned: Alignment
) -> None:
    other = create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.PLANNING,
    )
    answer = world.client_for(world.viewer).get(
        NODES, {"cycle": other.pk, "parent": aligned.root.pk}
    )

    assert answer.status_code == 404


def test_a_viewer_does_not_see_drafts(world: World, aligned: Alignment) -> None:
    factories.objective(world.cycle, world.sales, "Secret draft", owner=world.editor, state="draft")
    client = world.client_for(world.viewer)

    assert "Secret draft" not in client.get(MAP).content.decode()
    assert client.get(SEARCH, {"q": "Secret"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (NODES, {"cycle": "abc"}, "cycle"),
        (NODES, {"parent": "1; drop"}, "parent"),
        (NODES, {"parent": "1", "start": "-4"}, "start"),
        (SEARCH, {"cycle": "9" * 20}, "cycle"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    world: World, aligned: Alignment, url: str, params: dict[str, str], field: str
) -> None:
    answer = world.client_for(world.viewer).get(url, params)

    assert answer.status_code == 400
    assert answer.json()["error"].startswith(f"{field}: expected a number")


def test_a_bad_focus_on_the_page_says_which_field(world: World, aligned: Alignment) -> None:
    answer = world.client_for(world.viewer).get(MAP, {"focus": "x"})

    assert answer.status_code == 400
    assert "focus: expected a number" in answer.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    for url in (MAP, NODES, SEARCH):
        assert client.get(url).status_code == 302


def grow(world: World, now: dt.datetime, first_team: int, teams: int) -> None:
    """A company objective (once) and `teams` more teams of three objectives (two aligned,
    one not), each with a key result read from a KPI of its own."""
    top = world.cycle.objectives.filter(title="Company goal").first()
    if top is None:
        top = factories.objective(world.cycle, world.company, "Company goal", owner=world.admin)
        factories.key_result(top, "Company number", check_ins=[(50, now - DAY)])
    for n in range(first_team, first_team + teams):
        team = create_team(
            actor=None, workspace=world.acme, name=f"Team {n:03}", parent=world.company
        )
        kpi = create_kpi(actor=world.editor, team=team, name=f"KPI {n:03}", target=10.0)
        first = factories.objective(
            world.cycle, team, f"Team {n:03} goal", owner=world.editor, parent=top
        )
        second = factories.objective(
            world.cycle, team, f"Team {n:03} detail", owner=world.editor, parent=first
        )
        loose = factories.objective(world.cycle, team, f"Team {n:03} chore", owner=world.editor)
        for objective in (first, second, loose):
            factories.key_result(objective, "A number", kpi=kpi)


def queries_of(world: World) -> dict[str, int]:
    client = world.client_for(world.editor)
    client.get(reverse("home"))  # the session learns the workspace
    top = world.cycle.objectives.get(title="Company goal")
    visits = {
        "page": lambda: client.get(MAP, {"cycle": world.cycle.pk}),
        "nodes": lambda: client.get(NODES, {"cycle": world.cycle.pk}),
        "children": lambda: client.get(NODES, {"cycle": world.cycle.pk, "parent": top.pk}),
        "search": lambda: client.get(SEARCH, {"cycle": str(world.cycle.pk), "q": "team"}),
    }
    counts = {}
    for name, visit in visits.items():
        with CaptureQueriesContext(connection) as captured:
            assert visit().status_code == 200
        counts[name] = len(captured)
    return counts


def test_queries_do_not_grow_with_the_company(
    world: World, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignment, "TREE_OPEN_UP_TO", 10)
    grow(world, now, 0, 3)
    small = queries_of(world)
    grow(world, now, 3, 30)
    large = queries_of(world)

    assert large == small
    # 16, and one for the driver links beside the KPIs shown (docs/strategy-map.md).
    assert max(large.values()) <= 17


def test_the_page_stays_within_its_query_budget(
    world: World,
    aligned: Alignment,
    django_assert_max_num_queries: Any,
) -> None:
    client = world.client_for(world.viewer)
    client.get(reverse("home"))
    # 16, and one for the driver links beside the KPIs shown (docs/strategy-map.md).
    with django_assert_max_num_queries(17):
        client.get(MAP)
