"""The strategy map's read model: levels, KPIs beside objectives, statuses equal to the
objective and KPI pages', children a page at a time, the search's paths."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.insights.map import queries
from goalkeeper.insights.map.present import figure_text, map_json, status_text
from goalkeeper.kpis.queries import kpi_page
from goalkeeper.okrs.pages import alignment
from goalkeeper.okrs.pages.objective import objective_detail
from tests.conftest import World
from tests.insights_map.conftest import Alignment
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def keys(node: queries.MapNode) -> list[str]:
    return [child.key for child in node.children]


def test_the_company_is_on_top_its_objectives_below_and_supporting_ones_below_them(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    strategy = queries.strategy_map(world.acme, world.cycle, now)
    root = strategy.root

    assert root.kind == "company"
    assert root.name == "Acme"
    top = root.children[0]
    assert top.key == f"objective-{aligned.root.pk}"
    team = top.children[0]
    assert team.key == f"objective-{aligned.team.pk}"
    assert team.edge == "aligns"
    assert team.owner == "Eddie Editor"
    assert team.team == "Sales"
    assert f"objective-{aligned.person.pk}" in keys(team)
    assert strategy.complete


def test_unaligned_objectives_hang_under_their_team(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    root = queries.strategy_map(world.acme, world.cycle, now).root

    sales = next(node for node in root.children if node.kind == "team")
    assert sales.name == "Sales"
    assert sales.team_id == world.sales.pk
    assert keys(sales) == [f"objective-{aligned.loose.pk}"]


def test_a_kpi_read_by_a_key_result_sits_beside_its_objective(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    root = queries.strategy_map(world.acme, world.cycle, now).root
    team = root.children[0].children[0]

    kpi = team.children[0]
    assert kpi.kind == "kpi"
    assert kpi.edge == "drives"
    assert kpi.name == "Revenue"
    assert kpi.pk == aligned.kpi.pk
    assert kpi.kpi is not None
    assert kpi.kpi.latest_value == 60.0


def test_statuses_and_figures_equal_the_objective_and_kpi_pages(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    data = map_json(queries.strategy_map(world.acme, world.cycle, now))
    shown = {}

    def collect(node: dict) -> None:  # type: ignore[type-arg]
        shown[node["key"]] = node
        for child in node["children"]:
            collect(child)

    collect(data["root"])
    for objective in (aligned.root, aligned.team, aligned.person, aligned.loose):
        objective.refresh_from_db()
        page = objective_detail(world.acme, objective, now)
        node = shown[f"objective-{objective.pk}"]
        assert node["tone"] == page.row.tone
        strategy_node = queries.MapNode(
            key="", kind="objective", edge="aligns", name="", objective=page.row
        )
        assert node["figure"] == figure_text(strategy_node)
        assert node["status"] == status_text(strategy_node)
    assert shown[f"objective-{aligned.root.pk}"]["tone"] == "at_risk"  # 40% at 55%

    kpi = aligned.kpi
    kpi.refresh_from_db()
    status = kpi_page(kpi, now).status
    node = shown[f"kpi-{kpi.pk}-{aligned.team.pk}"]
    assert node["tone"] == str(status.health)
    assert node["url"] == f"/kpis/{kpi.pk}/"
    assert node["figure"] == "60"


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a large company: only the company level opens at first."""
    monkeypatch.setattr(alignment, "TREE_OPEN_UP_TO", 0)


@pytest.mark.usefixtures("large")
def test_a_large_map_shows_the_company_level_with_counts_of_what_is_not_loaded(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    strategy = queries.strategy_map(world.acme, world.cycle, now)
    top = strategy.root.children[0]

    assert not strategy.complete
    assert top.key == f"objective-{aligned.root.pk}"
    assert top.children == ()
    assert top.unloaded == 1
    assert top.more_from == 0


@pytest.mark.usefixtures("large")
def test_children_come_a_page_at_a_time_with_their_kpis(
    world: World, aligned: Alignment, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignment, "CHILDREN_PAGE", 2)
    for n in range(3):
        factories.objective(
            world.cycle, world.sales, f"Extra {n}", owner=world.editor, parent=aligned.root
        )
    first = queries.map_children(world.acme, aligned.root, now)
    second = queries.map_children(world.acme, aligned.root, now, first.more_from or 0)

    assert first.total == 4
    assert first.nodes[0].key == f"objective-{aligned.team.pk}"
    assert first.nodes[0].children[0].kind == "kpi"  # beside it, loaded with it
    assert first.nodes[0].unloaded == 1  # "Call every lead" waits for its own expand
    assert first.more_from == 2
    assert len(second.nodes) == 2
    assert second.more_from is None
    assert not {n.key for n in first.nodes} & {n.key for n in second.nodes}


@pytest.mark.usefixtures("large")
def test_focus_opens_the_path_to_an_objective_and_marks_it(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    strategy = queries.strategy_map(world.acme, world.cycle, now, focus=aligned.person.pk)
    top = strategy.root.children[0]
    team = next(n for n in top.children if n.kind == "objective")
    person = next(n for n in team.children if n.kind == "objective")

    assert person.key == f"objective-{aligned.person.pk}"
    assert person.focused
    assert strategy.focus == aligned.person.pk


def test_the_search_finds_objectives_at_any_depth_with_their_path(
    world: World, aligned: Alignment, now: dt.datetime
) -> None:
    search = queries.map_search(world.acme, world.cycle, now, "every lead")

    assert search.total == 1
    hit = search.hits[0]
    assert hit.node.key == f"objective-{aligned.person.pk}"
    assert [title for _, title in hit.path] == ["Win the market", "Sell more"]
    assert queries.map_search(world.acme, world.cycle, now, "x").hits == ()


def test_drafts_are_left_out(world: World, aligned: Alignment, now: dt.datetime) -> None:
    draft = factories.objective(
        world.cycle,
        world.sales,
        "Half an idea",
        owner=world.editor,
        parent=aligned.root,
        state="draft",
    )
    strategy = queries.strategy_map(world.acme, world.cycle, now)

    assert f"objective-{draft.pk}" not in {n.key for n in strategy.root.walk()}


def test_kpi_nodes_are_capped(
    world: World, aligned: Alignment, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "KPI_NODES_MAX", 0)
    strategy = queries.strategy_map(world.acme, world.cycle, now)

    assert not [n for n in strategy.root.walk() if n.kind == "kpi"]
    assert strategy.kpis_left == 1


@pytest.mark.usefixtures("large")
def test_focus_reaches_an_objective_past_the_first_page_of_its_siblings(
    world: World, aligned: Alignment, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignment, "CHILDREN_PAGE", 1)
    late = factories.objective(
        world.cycle, world.sales, "Late sibling", owner=world.editor, parent=aligned.root
    )
    strategy = queries.strategy_map(world.acme, world.cycle, now, focus=late.pk)
    top = strategy.root.children[0]

    assert [n.key for n in top.children if n.kind == "objective"] == [
        f"objective-{aligned.team.pk}",
        f"objective-{late.pk}",
    ]
    assert next(n for n in top.walk() if n.key == f"objective-{late.pk}").focused
