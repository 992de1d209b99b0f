"""The search-as-you-type pickers: scoped, bounded, ranked searches; ids checked by a scoped
lookup; forms that render only the chosen option (docs/pickers.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Person, Team
from goalkeeper.accounts.pickers import people_source
from goalkeeper.accounts.services import add_member, add_person, create_team
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.services import create_key_result, create_objective
from goalkeeper.pickers import LIMIT, PickerField
from tests.conftest import Everything, World

pytestmark = pytest.mark.django_db


def search(client: Client, name: str, q: str = "", **params: Any) -> list[dict[str, Any]]:
    response = client.get(reverse(name), {"q": q, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def labels(results: list[dict[str, Any]]) -> list[str]:
    return [row["label"] for row in results]


def add_people(world: World, count: int, prefix: str = "Sam") -> list[Person]:
    return [
        add_person(
            actor=None,
            workspace=world.acme,
            email=f"{prefix.lower()}{n}@acme.test",
            name=f"{prefix} {n:03d}",
        )
        for n in range(count)
    ]


# --- Scope: another workspace's rows are never found -----------------------------------------


@pytest.mark.parametrize(
    ("route", "q"),
    [
        ("pick_people", "person"),
        ("pick_teams", "team"),
        ("pick_objectives", "objective"),
        ("pick_key_results", "key result"),
        ("pick_kpis", "KPI"),
    ],
)
def test_a_search_finds_its_own_workspaces_rows_only(
    world: World, things: Everything, route: str, q: str
) -> None:
    found = labels(search(world.client_for(world.editor), route, q))
    theirs = labels(search(world.client_for(world.outsider), route, q))

    assert any(label.startswith("Acme") for label in found)
    assert not any("Globex" in label for label in found)
    assert theirs
    assert all(label.startswith("Globex") for label in theirs)


def test_searches_need_a_login(world: World) -> None:
    response = Client().get(reverse("pick_people"), {"q": "a"})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_viewer_may_search_but_only_admins_search_and_see_emails(world: World) -> None:
    viewer = world.client_for(world.viewer)
    admin = world.client_for(world.admin)

    assert search(viewer, "pick_people", "eddie@") == []
    assert labels(search(admin, "pick_people", "eddie@")) == ["Eddie Editor"]
    assert "eddie@acme.test" in search(admin, "pick_people", "Eddie")[0]["hint"]
    assert "@" not in search(viewer, "pick_people", "Eddie")[0]["hint"]


def test_deactivated_people_and_archived_teams_are_not_offered(world: World) -> None:
    world.owner.is_active = False
    world.owner.save()
    Team.objects.filter(pk=world.sales.pk).update(archived_at="2026-01-01T00:00Z")
    client = world.client_for(world.admin)

    assert "Owen Owner" not in labels(search(client, "pick_people"))
    assert "Sales" not in labels(search(client, "pick_teams"))


# --- Bounded and ranked -----------------------------------------------------------------------


def test_a_search_answers_at_most_the_limit_prefix_matches_first(world: World) -> None:
    add_people(world, LIMIT + 5)
    add_person(actor=None, workspace=world.acme, email="isam@acme.test", name="Isam Awad")
    client = world.client_for(world.admin)

    everyone = search(client, "pick_people")
    sam = labels(search(client, "pick_people", "sam"))

    assert len(everyone) == LIMIT
    assert len(sam) == LIMIT
    assert "Isam Awad" not in sam  # 25 names start with "Sam": they come first
    twenties = labels(search(client, "pick_people", "SAM 02"))
    assert twenties == [f"Sam {n:03d}" for n in range(20, 25)]


def test_the_callers_teammates_and_teams_come_first(world: World) -> None:
    zed = add_person(actor=None, workspace=world.acme, email="zed@acme.test", name="Zed Sales")
    add_member(actor=None, team=world.sales, person=zed)
    client = world.client_for(world.editor)  # Eddie leads Sales

    people = labels(search(client, "pick_people"))
    teams = labels(search(client, "pick_teams"))

    assert people[:2] == ["Eddie Editor", "Zed Sales"]
    assert teams[0] == "Sales"


def test_objectives_are_searched_in_a_cycle_and_without_the_one_edited(
    world: World, things: Everything
) -> None:
    other = create_objective(
        actor=None, cycle=world.cycle, team=world.sales, title="Acme other objective"
    )
    client = world.client_for(world.editor)

    found = labels(
        search(
            client,
            "pick_objectives",
            "objective",
            cycle=world.cycle.pk,
            exclude=things.acme.objective.pk,
        )
    )
    elsewhere = search(client, "pick_objectives", "objective", cycle=things.globex.cycle.pk)

    assert found == [other.title]
    assert elsewhere == []


def test_key_results_a_kpi_may_drive_leave_out_milestones_and_linked_ones(
    world: World, things: Everything
) -> None:
    objective = things.acme.objective
    create_key_result(
        actor=None, objective=objective, title="Acme launch", kind="milestone", owner=None, kpi=None
    )
    create_key_result(
        actor=None,
        objective=objective,
        title="Acme linked key result",
        kind="increase",
        start=0,
        target=10,
        owner=None,
        kpi=things.acme.kpi,
    )
    client = world.client_for(world.editor)

    everything = labels(search(client, "pick_key_results", "acme"))
    linkable = labels(search(client, "pick_key_results", "acme", linkable=1))

    mine = things.acme.key_result.title
    assert set(everything) == {mine, "Acme launch", "Acme linked key result"}
    assert linkable == [mine]


def test_archived_kpis_are_not_offered(world: World, things: Everything) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Acme retired", target=1, warning=None)
    kpi.archived_at = kpi.created_at
    kpi.save()

    found = labels(search(world.client_for(world.editor), "pick_kpis", "acme"))

    assert found == [things.acme.kpi.name]


@pytest.mark.parametrize("route", ["pick_people", "pick_teams", "pick_objectives", "pick_kpis"])
def test_a_search_runs_the_same_queries_whatever_the_size(
    world: World, things: Everything, route: str
) -> None:
    client = world.client_for(world.editor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            search(client, route, "a")
        return len(queries)

    count()  # the first request of a session reads more (the login's session)
    small = count()
    people = add_people(world, 30)
    for n, person in enumerate(people):
        team = create_team(actor=None, workspace=world.acme, name=f"Area {n}", parent=world.sales)
        add_member(actor=None, team=team, person=person)
        create_objective(actor=None, cycle=world.cycle, team=team, title=f"Aim {n}", owner=person)
        create_kpi(actor=None, team=team, name=f"Activity {n}", target=1, warning=None)

    assert count() == small


# --- The field: a posted id is checked by a scoped lookup ------------------------------------


def test_the_field_refuses_an_id_of_another_workspace_naming_the_kind(
    world: World, things: Everything
) -> None:
    field = PickerField(noun="person", label="Owner", required=False)
    field.use(people_source(world.acme))

    assert field.clean(str(world.editor.pk)) == world.editor
    for value in (str(world.outsider.pk), "999999", "abc", "1; drop"):
        with pytest.raises(Exception, match="no such person in this workspace"):
            field.clean(value)
    assert field.clean("") is None


def test_the_objective_form_names_the_field_of_an_unknown_owner(
    world: World, things: Everything
) -> None:
    objective = things.acme.objective
    client = world.client_for(world.editor)

    response = client.post(
        reverse("objective_edit", args=[objective.pk]),
        {
            "title": objective.title,
            "team": things.globex.team.pk,
            "owner": things.globex.person.pk,
            "parent": things.globex.objective.pk,
            "kind": "committed",
            "state": "active",
        },
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "Owner</a>: no such person in this workspace" in page
    assert "Team</a>: no such team in this workspace" in page
    assert "Objective</a>: no such objective in this workspace" in page
    assert Objective.objects.get(pk=objective.pk).team_id == objective.team_id
    assert "Globex" not in page


def test_the_forms_render_only_the_chosen_option(world: World, things: Everything) -> None:
    add_people(world, 30)
    client = world.client_for(world.editor)

    page = client.get(reverse("objective_edit", args=[things.acme.objective.pk])).content.decode()
    owner = page.split('name="owner"')[1].split("</select>")[0]

    assert owner.count("<option") == 2  # "No owner" and the owner
    assert f'value="{things.acme.person.pk}" selected' in owner
    assert 'data-picker="/pick/people/"' in page
    assert "Sam 001" not in page


def test_the_kpi_link_form_posts_a_key_result_checked_in_the_workspace(
    world: World, things: Everything
) -> None:
    kpi = things.acme.kpi
    client = world.client_for(world.editor)

    refused = client.post(
        reverse("kpi_link", args=[kpi.pk]),
        {"key_result": things.globex.key_result.pk, "mode": "latest"},
        follow=True,
    )
    linked = client.post(
        reverse("kpi_link", args=[kpi.pk]),
        {"key_result": things.acme.key_result.pk, "mode": "latest"},
    )

    assert "Key result: no such key result in this workspace" in refused.content.decode()
    assert linked.status_code == 302
    things.acme.key_result.refresh_from_db()
    assert things.acme.key_result.kpi_id == kpi.pk


def test_pages_with_pickers_run_the_same_queries_whatever_the_size(
    world: World, things: Everything
) -> None:
    client = world.client_for(world.editor)
    urls = [
        reverse("objective_edit", args=[things.acme.objective.pk]),
        reverse("objective_create"),
        reverse("key_result_edit", args=[things.acme.key_result.pk]),
        reverse("kpi_edit", args=[things.acme.kpi.pk]),
        reverse("kpi_detail", args=[things.acme.kpi.pk]),
    ]

    def measure() -> list[tuple[int, int]]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            found.append((len(queries), len(response.content)))
        return found

    measure()  # the first request of a session reads more (the login's session)
    small = measure()
    for n, person in enumerate(add_people(world, 40)):
        team = create_team(actor=None, workspace=world.acme, name=f"Area {n}", parent=world.sales)
        create_objective(actor=None, cycle=world.cycle, team=team, title=f"Aim {n}", owner=person)
        create_kpi(actor=None, team=team, name=f"Activity {n}", target=1, warning=None)
    large = measure()

    assert [q for q, _ in large] == [q for q, _ in small]
    for (_, before), (_, after) in zip(small, large, strict=True):
        assert after <= before + 2_000
