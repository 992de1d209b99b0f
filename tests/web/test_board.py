"""The cycle board: every objective of a cycle by team, filtered, and the cycle switcher."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import add_member, create_team
from goalkeeper.okrs import view_models
from goalkeeper.okrs.models import CycleState
from goalkeeper.okrs.pages import board as board_page
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)


def board_html(client: Client, query: str = "", **headers: str) -> str:
    url = reverse("cycles") + (f"?{query}" if query else "")
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def sections(html: str) -> list[str]:
    return [h.strip() for h in re.findall(r'class="team-group__title"[^>]*>([^<]+)<', html)]


def titles(html: str) -> list[str]:
    return re.findall(r'class="objective__title" href="/objectives/\d+/">([^<]+)<', html)


@pytest.fixture
def company(world: World, now: dt.datetime) -> World:
    """A company with objectives in three teams, one of them below Sales."""
    enterprise = create_team(
        actor=None, workspace=world.acme, name="Enterprise", parent=world.sales
    )
    on_track = factories.objective(
        world.cycle, world.company, "Company on track", owner=world.admin
    )
    factories.key_result(on_track, "Done", check_ins=[(100, now - DAY)])
    behind = factories.objective(
        world.cycle, world.sales, "Sales behind", owner=world.editor, kind="aspirational"
    )
    factories.key_result(behind, "Little", check_ins=[(5, now - DAY)])
    factories.objective(world.cycle, enterprise, "Enterprise silent", owner=world.editor)
    return world


def test_the_board_groups_every_objective_by_team_company_first(company: World) -> None:
    html = board_html(company.client_for(company.viewer))

    headers = re.findall(r'class="team-group__title"[^>]*>([^<]+)<', html)
    assert [h.strip() for h in headers] == ["Acme", "Enterprise", "Sales"]
    assert titles(html) == ["Company on track", "Enterprise silent", "Sales behind"]
    assert 'data-testid="cycle-name">2026-Q4<' in html
    assert "3 objectives, by team." in html


def test_the_board_shows_each_objectives_key_results_folded(company: World) -> None:
    html = board_html(company.client_for(company.viewer))

    assert '<div class="objective" id="objective-board-' in html
    assert "Little" in html  # the key result, inside the folded row
    assert "Last check-in <time" in html


def test_filtering_by_team_includes_its_sub_teams(company: World) -> None:
    client = company.client_for(company.viewer)

    assert titles(board_html(client, f"team={company.sales.pk}")) == [
        "Enterprise silent",
        "Sales behind",
    ]


def test_filtering_by_owner_status_and_kind(company: World) -> None:
    client = company.client_for(company.viewer)

    assert titles(board_html(client, f"owner={company.admin.pk}")) == ["Company on track"]
    assert titles(board_html(client, "status=off_track")) == ["Sales behind"]
    assert titles(board_html(client, "status=not_started")) == ["Enterprise silent"]
    assert titles(board_html(client, "kind=aspirational")) == ["Sales behind"]
    assert titles(board_html(client, f"kind=committed&owner={company.editor.pk}")) == [
        "Enterprise silent"
    ]


def test_the_status_counts_ignore_the_status_filter_and_link_to_it(company: World) -> None:
    html = board_html(company.client_for(company.viewer), "status=off_track")

    def tile(status: str) -> str:
        match = re.search(
            rf'<a class="stat[^"]*"[^>]*data-testid="count-{status}".*?</a>', html, re.S
        )
        assert match, status
        return match.group(0)

    assert '<span class="stat__value">1<' in tile("on_track")
    assert '<span class="stat__value">1<' in tile("off_track")
    assert 'aria-current="true"' in tile("off_track")
    assert "status=on_track" in tile("on_track")
    assert "1 of 3 objectives matches the filters" in html
    assert 'data-testid="clear-filters"' in html


def test_nonsense_filters_are_ignored(company: World) -> None:
    html = board_html(
        company.client_for(company.viewer), "team=abc&owner=-1&status=great&kind=x&limit=zz"
    )

    assert len(titles(html)) == 3


def test_no_match_says_what_to_do(company: World) -> None:
    html = board_html(company.client_for(company.viewer), "status=stale")

    assert "No objective matches these filters" in html
    assert "Clear filters" in html


def test_htmx_filtering_returns_the_results_only(company: World) -> None:
    html = board_html(
        company.client_for(company.viewer),
        "status=off_track",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="board-results",
    )

    assert html.startswith('<div id="board-results"')
    assert "<html" not in html
    assert titles(html) == ["Sales behind"]


def test_a_long_team_shows_its_first_objectives_and_links_to_all(
    world: World, now: dt.datetime
) -> None:
    for n in range(view_models.TEAM_ROWS + 3):
        factories.objective(world.cycle, world.sales, f"Objective {n:02}", owner=world.editor)
    client = world.client_for(world.viewer)

    first = board_html(client)
    alone = board_html(client, f"team={world.sales.pk}")

    assert len(titles(first)) == view_models.TEAM_ROWS
    assert f"See all {view_models.TEAM_ROWS + 3} objectives of Sales" in first
    assert f"team={world.sales.pk}" in first.split('data-testid="team-all"')[0].rsplit("<a", 1)[1]
    assert len(titles(alone)) == view_models.TEAM_ROWS + 3
    assert 'data-testid="team-all"' not in alone


@pytest.fixture
def many_teams(world: World, now: dt.datetime) -> list[Team]:
    """Twelve teams of two objectives each, named so that they sort by number."""
    teams = []
    for n in range(12):
        team = create_team(
            actor=None, workspace=world.acme, name=f"Team {n:02}", parent=world.company
        )
        for k in range(2):
            factories.objective(world.cycle, team, f"T{n:02} objective {k}", owner=world.editor)
        teams.append(team)
    return teams


def test_the_board_is_paged_by_team(world: World, many_teams: list[Team]) -> None:
    client = world.client_for(world.viewer)

    first = board_html(client)
    second = board_html(client, "page=2")
    beyond = board_html(client, "page=99")

    assert sections(first) == [f"Team {n:02}" for n in range(view_models.BOARD_TEAMS)]
    assert sections(second) == [f"Team {n:02}" for n in range(view_models.BOARD_TEAMS, 12)]
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert "page=2" in first
    assert 'rel="prev"' in second
    assert sections(beyond) == sections(second)  # past the end: the last page
    assert "24 objectives, by team: 12 teams" in first


def test_the_viewers_teams_come_first(world: World, many_teams: list[Team]) -> None:
    add_member(actor=None, team=many_teams[11], person=world.viewer)

    html = board_html(world.client_for(world.viewer))

    assert sections(html)[0] == "Team 11"
    assert "Your team" in html.split('class="team-group"')[1]


def test_the_team_search_narrows_the_sections(world: World, many_teams: list[Team]) -> None:
    html = board_html(world.client_for(world.viewer), "q=team+1")

    assert sections(html) == ["Team 10", "Team 11"]
    assert "4 of 24 objectives match the filters" in html
    assert 'data-testid="board-pager"' not in html


def test_the_counts_cover_the_whole_cycle_not_the_page(
    world: World, many_teams: list[Team]
) -> None:
    html = board_html(world.client_for(world.viewer))

    match = re.search(r'data-testid="count-not_started".*?stat__value">(\d+)<', html, re.S)
    assert match is not None
    assert match.group(1) == "24"
    assert len(titles(html)) == 2 * view_models.BOARD_TEAMS


def test_a_page_holds_a_bounded_number_of_teams_and_objectives(
    world: World, many_teams: list[Team], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_page, "BOARD_ROWS", 5)

    html = board_html(world.client_for(world.viewer))

    assert sections(html) == ["Team 00", "Team 01"]  # 2 + 2, a third team would pass 5
    assert "Page 1 of 6" in html


def test_with_many_teams_and_owners_the_filters_are_searches(
    world: World, many_teams: list[Team], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_page, "CHOICES_MAX", 3)

    html = board_html(world.client_for(world.viewer))

    assert 'id="filter-team"' not in html
    assert 'data-testid="team-search"' in html
    owners = html.split('id="filter-owner"')[1].split("</select>")[0]
    assert "Vera Viewer" in owners  # the viewer, always
    assert owners.count("<option") <= 3


def test_the_cycle_switcher_lists_the_workspaces_cycles_and_goes_to_one(
    world: World, now: dt.datetime
) -> None:
    older = create_cycle(
        actor=None,
        workspace=world.acme,
        name="2026-Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        state=CycleState.ACTIVE,
    )
    last = factories.objective(older, world.sales, "Last quarter's", owner=world.editor)
    factories.key_result(last, "Old number")
    older.state = CycleState.CLOSED
    older.save()
    client = world.client_for(world.viewer)

    html = board_html(client)
    switched = client.get(reverse("cycles"), {"cycle": older.pk})

    assert re.search(rf'<option value="{older.pk}"[^>]*>2026-Q3 · Closed', html)
    assert re.search(rf'<option value="{world.cycle.pk}" selected>2026-Q4', html)
    assert switched.status_code == 302
    assert switched["Location"] == reverse("cycle_board", args=[older.pk])
    old_board = client.get(switched["Location"]).content.decode()
    assert titles(old_board) == ["Last quarter&#x27;s"]
    assert "Check in" not in old_board  # a closed cycle takes no check-ins


def test_without_an_open_cycle_the_board_shows_the_newest_closed_one(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    html = board_html(world.client_for(world.viewer))

    assert 'data-testid="cycle-name">2026-Q4<' in html
    assert "Closed" in html


def test_without_any_cycle_the_board_says_what_to_do(world: World) -> None:
    world.cycle.delete()

    admin = board_html(world.client_for(world.admin))
    viewer = board_html(world.client_for(world.viewer))

    assert "No cycle yet" in admin
    assert "Create a cycle" in admin
    assert "Ask an admin" in viewer


def test_another_workspaces_cycle_is_not_found(world: World, things: object) -> None:
    client = world.client_for(world.outsider)

    assert client.get(reverse("cycle_board", args=[world.cycle.pk])).status_code == 404
    assert client.get(reverse("cycles"), {"cycle": world.cycle.pk}).status_code == 404
    assert "Acme secret" not in board_html(client)


def test_editors_get_a_new_objective_button_and_viewers_do_not(company: World) -> None:
    editor = board_html(company.client_for(company.editor))
    viewer = board_html(company.client_for(company.viewer))

    assert 'data-testid="new-objective"' in editor
    assert 'data-testid="new-objective"' not in viewer
    assert "Check in on Little" in editor
    assert "Check in on" not in viewer  # a viewer owns none of these key results


def test_an_anonymous_visitor_is_sent_to_log_in(world: World) -> None:
    response = Client().get(reverse("cycle_board", args=[world.cycle.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_objectives_entry_of_the_navigation_is_current_on_the_board(company: World) -> None:
    html = board_html(company.client_for(company.viewer))
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]

    assert re.search(r'aria-current="page">.*?<span>Objectives</span>', nav, re.S)
