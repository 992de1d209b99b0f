"""The people and teams admin lists: paged, searched, and the same weight whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.queries import PEOPLE_PER_PAGE, TEAMS_PER_PAGE
from goalkeeper.accounts.services import add_member, add_person, create_team
from tests.conftest import World

pytestmark = pytest.mark.django_db


def crowd(world: World, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        person = add_person(
            actor=None, workspace=world.acme, email=f"p{n}@acme.test", name=f"Pat {n:03d}"
        )
        team = create_team(
            actor=None, workspace=world.acme, name=f"Area {n:03d}", parent=world.sales
        )
        add_member(actor=None, team=team, person=person, is_lead=True)


def weigh(client: Client, url: str) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


@pytest.mark.parametrize("route", ["admin_people", "admin_teams", "admin"])
def test_an_admin_list_weighs_the_same_whatever_the_size(world: World, route: str) -> None:
    client = world.client_for(world.admin)
    crowd(world, PEOPLE_PER_PAGE + 5)
    small_queries, small_size = weigh(client, reverse(route))

    crowd(world, 3 * PEOPLE_PER_PAGE, start=100)
    large_queries, large_size = weigh(client, reverse(route))

    assert large_queries == small_queries
    assert abs(large_size - small_size) < 2_000


def test_people_are_paged_and_found_by_a_teams_name(world: World) -> None:
    crowd(world, PEOPLE_PER_PAGE + 10)
    client = world.client_for(world.admin)

    first = client.get(reverse("admin_people")).content.decode()
    second = client.get(reverse("admin_people"), {"page": 2}).content.decode()
    found = client.get(reverse("admin_people"), {"q": "area 007"}).content.decode()
    nonsense = client.get(reverse("admin_people"), {"page": "x"}).status_code

    total = PEOPLE_PER_PAGE + 10 + 4  # the crowd and Acme's four named people
    assert first.count("data-person-id=") == PEOPLE_PER_PAGE
    assert f"1\u2013{PEOPLE_PER_PAGE} of {total}" in first
    assert second.count("data-person-id=") == total - PEOPLE_PER_PAGE
    assert 'rel="prev"' in second
    assert found.count("data-person-id=") == 1
    assert "Pat 007" in found
    assert nonsense == 200


def test_teams_are_paged_in_tree_order_and_searched(world: World) -> None:
    crowd(world, TEAMS_PER_PAGE + 5)
    client = world.client_for(world.admin)

    first = client.get(reverse("admin_teams")).content.decode()
    found = client.get(reverse("admin_teams"), {"q": "AREA 01"}).content.decode()

    assert first.count('role="treeitem"') == TEAMS_PER_PAGE
    assert 'data-testid="teams-pager"' in first
    assert found.count('role="treeitem"') == 10
    assert "Sales" not in found.split('id="teams-results"')[1].split("</section>")[0]


def test_a_person_page_lists_their_teams_and_adds_one_by_picker(world: World) -> None:
    crowd(world, 30)
    client = world.client_for(world.admin)
    url = reverse("admin_person_edit", args=[world.editor.pk])
    area = world.acme.teams.get(name="Area 003")
    theirs = world.globex.teams.get(parent__isnull=True)

    page = client.get(url).content.decode()
    added = client.post(url, {"form": "teams", "member": [world.sales.pk], "add_team": area.pk})
    refused = client.post(
        url, {"form": "teams", "member": [world.sales.pk], "add_team": theirs.pk}, follow=True
    )

    assert "Area 010" not in page
    assert 'data-picker="/pick/teams/"' in page
    assert added.status_code == 302
    assert set(world.editor.memberships.values_list("team__name", flat=True)) == {
        "Sales",
        "Area 003",
    }
    assert "Add to a team: no such team in this workspace" in refused.content.decode()
