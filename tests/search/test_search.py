"""The search across a workspace (docs/navigation.md): scoping, ranking, bounds, the page
and the palette's JSON answer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.models import Person, Team
from goalkeeper.accounts.services import archive_team, create_team
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.services import create_cycle, create_objective
from goalkeeper.search.queries import KIND_LIMIT, LIMIT, Results, search
from tests.conftest import Everything, World

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> None:
    with time_machine.travel(NOW, tick=False):
        yield


def titles(results: Results, kind: str) -> list[str]:
    for group in results.groups:
        if group.kind == kind:
            return [hit.title for hit in group.hits]
    return []


def kinds(results: Results) -> list[str]:
    return [group.kind for group in results.groups]


# --- scoping ------------------------------------------------------------------------------


def test_another_workspaces_objects_never_show(world: World, things: Everything) -> None:
    results = search(world.viewer, "secret")

    found = [hit.title for group in results.groups for hit in group.hits]
    assert "Acme secret objective" in found
    assert not [title for title in found if "Globex" in title]


def test_the_outsider_finds_only_their_own_workspace(world: World, things: Everything) -> None:
    found = [hit.title for group in search(world.outsider, "secret").groups for hit in group.hits]

    assert found
    assert all(title.startswith("Globex") for title in found)


def test_a_viewer_finds_every_kind_a_member_may_open(world: World, things: Everything) -> None:
    results = search(world.viewer, "Acme secret")

    assert kinds(results) == ["objective", "key_result", "kpi", "person", "team"]
    assert titles(results, "key_result") == ["Acme secret key result"]
    assert titles(results, "kpi") == ["Acme secret KPI"]
    assert titles(results, "person") == ["Acme secret person"]
    assert titles(results, "team") == ["Acme secret team"]


def test_archived_teams_and_kpis_and_inactive_people_are_not_found(
    world: World, things: Everything
) -> None:
    archive_team(
        actor=world.admin,
        team=create_team(
            actor=world.admin, workspace=world.acme, name="Gone team", parent=world.company
        ),
    )
    kpi = things.acme.kpi
    Kpi.objects.filter(pk=kpi.pk).update(name="Gone KPI", archived_at=timezone.now())
    Person.objects.filter(pk=things.acme.person.pk).update(name="Gone person", is_active=False)

    assert search(world.admin, "Gone").groups == ()


# --- what a hit says --------------------------------------------------------------------


def test_each_hit_carries_its_context_and_link(world: World, things: Everything) -> None:
    results = search(world.viewer, "Acme secret")
    by_kind = {group.kind: group.hits[0] for group in results.groups}
    acme = things.acme

    assert by_kind["objective"].context == ("2026-Q4", "Acme secret team")
    assert by_kind["objective"].url == reverse("objective_detail", args=[acme.objective.pk])
    assert by_kind["key_result"].context == ("Acme secret objective", "2026-Q4")
    assert by_kind["key_result"].url.endswith(f"#kr-{acme.key_result.pk}")
    assert by_kind["kpi"].context == ("Acme secret team",)
    assert by_kind["kpi"].tone in {"green", "yellow", "red", "stale", "no_data"}
    assert by_kind["kpi"].url == reverse("kpi_detail", args=[acme.kpi.pk])
    assert by_kind["team"].context == ("Acme",)
    assert by_kind["person"].url == f"{reverse('cycles')}?owner={acme.person.pk}"


# --- ranking ------------------------------------------------------------------------------


def test_titles_starting_with_the_query_come_before_those_containing_it(world: World) -> None:
    create_objective(actor=world.admin, cycle=world.cycle, team=world.sales, title="Grow revenue")
    create_objective(actor=world.admin, cycle=world.cycle, team=world.sales, title="Revenue up")

    assert titles(search(world.viewer, "revenue"), "objective") == ["Revenue up", "Grow revenue"]


def test_active_cycles_come_before_planning_and_closed_ones(world: World) -> None:
    planning = create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    closed = create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2026-Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        state=CycleState.ACTIVE,
    )
    for cycle, title in (
        (closed, "Hire closed"),
        (planning, "Hire later"),
        (world.cycle, "Hire now"),
    ):
        create_objective(actor=world.admin, cycle=cycle, team=world.sales, title=title)
    closed.state = CycleState.CLOSED
    closed.save()

    assert titles(search(world.viewer, "hire"), "objective") == [
        "Hire now",
        "Hire later",
        "Hire closed",
    ]


def test_every_word_must_match_in_any_order(world: World) -> None:
    create_objective(
        actor=world.admin, cycle=world.cycle, team=world.sales, title="Grow the pipeline"
    )

    assert titles(search(world.viewer, "pipeline grow"), "objective") == ["Grow the pipeline"]
    assert titles(search(world.viewer, "pipeline shrink"), "objective") == []


# --- bounds -------------------------------------------------------------------------------


def many(world: World, count: int, start: int = 0) -> None:
    """`count` objectives, key results, KPIs and teams named "Bulk ...", written in bulk."""
    objectives = Objective.objects.bulk_create(
        Objective(workspace=world.acme, cycle=world.cycle, team=world.sales, title=f"Bulk {i}")
        for i in range(start, start + count)
    )
    KeyResult.objects.bulk_create(
        KeyResult(
            workspace=world.acme, objective=o, title=f"Bulk kr {i}", kind="milestone", position=0
        )
        for i, o in enumerate(objectives)
    )
    Kpi.objects.bulk_create(
        Kpi(workspace=world.acme, team=world.sales, name=f"Bulk KPI {i}")
        for i in range(start, start + count)
    )
    Team.objects.bulk_create(
        Team(workspace=world.acme, parent=world.sales, name=f"Bulk team {i}", slug=f"bulk-{i}")
        for i in range(start, start + count)
    )


def test_each_kind_shows_a_bounded_number_and_offers_more(world: World) -> None:
    many(world, LIMIT + 3)

    results = search(world.admin, "bulk")

    groups = {group.kind: group for group in results.groups}
    assert {kind: len(group.hits) for kind, group in groups.items()} == {
        "objective": LIMIT,
        "key_result": LIMIT,
        "kpi": LIMIT,
        "team": LIMIT,
    }
    assert groups["objective"].more_url == f"{reverse('cycles')}?q=bulk"
    assert groups["kpi"].more_url == f"{reverse('kpis')}?q=bulk"
    assert groups["key_result"].more_url == f"{reverse('search')}?q=bulk&kind=key_result"
    assert groups["team"].more_url == f"{reverse('admin_teams')}?q=bulk"


def test_a_viewer_is_offered_more_teams_on_the_search_page_not_in_admin(world: World) -> None:
    many(world, LIMIT + 1)

    teams = next(g for g in search(world.viewer, "bulk team").groups if g.kind == "team")

    assert teams.more_url == f"{reverse('search')}?q=bulk+team&kind=team"


def test_no_more_is_offered_when_everything_is_shown(world: World) -> None:
    many(world, LIMIT)

    assert all(group.more_url == "" for group in search(world.admin, "bulk").groups)


def test_the_search_runs_one_query_per_kind_whatever_the_data_size(
    world: World, django_assert_max_num_queries
) -> None:
    many(world, 400)

    with django_assert_max_num_queries(5):
        results = search(world.admin, "bulk")

    assert results.count == 4 * LIMIT


def test_an_empty_query_reads_nothing(world: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert search(world.admin, "   ").groups == ()


# --- the page and the palette's answer ------------------------------------------------


def test_the_page_lists_the_hits_grouped_by_kind(world: World, things: Everything) -> None:
    response = world.client_for(world.viewer).get(reverse("search"), {"q": "Acme secret"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="search-group-objective"' in html
    assert "Acme secret key result" in html
    assert "Globex" not in html


def test_more_of_one_kind_shows_up_to_the_kind_limit(world: World) -> None:
    many(world, KIND_LIMIT + 5)

    response = world.client_for(world.admin).get(reverse("search"), {"q": "bulk", "kind": "kpi"})

    html = response.content.decode()
    assert html.count('class="found"') == KIND_LIMIT
    assert 'data-testid="search-group-objective"' not in html


def test_the_page_says_what_to_do_when_nothing_matches(world: World) -> None:
    response = world.client_for(world.viewer).get(reverse("search"), {"q": "zebra"})

    assert "Nothing matches" in response.content.decode()


def test_the_json_answer_escapes_nothing_and_names_each_hit(world: World) -> None:
    create_objective(
        actor=world.admin, cycle=world.cycle, team=world.sales, title="<b>Bold</b> move"
    )

    response = world.client_for(world.viewer).get(
        reverse("search"), {"q": "bold", "format": "json"}
    )

    assert response["Cache-Control"] == "private, no-store"
    group = response.json()["groups"][0]
    assert group["kind"] == "objective"
    assert group["hits"][0]["title"] == "<b>Bold</b> move"
    assert group["hits"][0]["context"] == "2026-Q4 · Sales"


def test_the_page_runs_the_same_queries_on_little_and_much_data(world: World) -> None:
    client = world.client_for(world.admin)
    client.get(reverse("home"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("search"), {"q": "bulk"}).status_code == 200
        return len(queries)

    many(world, 3)
    few = count()
    many(world, 300, start=3)
    assert count() == few


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(reverse("search"), {"q": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
