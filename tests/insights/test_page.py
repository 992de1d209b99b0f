"""The insights page: scope from the query string, access, empty states, what it links to."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from goalkeeper.accounts.services import company_team
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.insights.conftest import Company

pytestmark = pytest.mark.django_db


def test_the_page_opens_on_the_active_cycle_for_the_company(company: Company) -> None:
    client = company.world.client_for(company.world.viewer)
    response = client.get(reverse("insights"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="insights-team">Acme<' in html
    for key in ("pace", "progress", "heatmap", "confidence", "adoption", "kpi_health"):
        assert f'data-testid="chart-{key}"' in html
    # The lists link to the objectives, the rest to the board filtered by status and team.
    assert reverse("objective_detail", args=[company.hire.pk]) in html
    # A person can look closer at each child team.
    assert f"team={company.world.sales.pk}" in html


def test_a_team_scope_shows_its_path_and_its_subtree_only(company: Company) -> None:
    world = company.world
    client = world.client_for(world.viewer)
    response = client.get(reverse("insights"), {"team": world.sales.pk, "cycle": world.cycle.pk})
    html = response.content.decode()
    path = re.search(r'data-testid="insights-path">(.*?)</nav>', html, re.S)
    assert path is not None
    assert ">Acme</a>" in path.group(1)
    assert 'aria-current="page">Sales<' in path.group(1)
    assert "Grow revenue" not in html  # the company's objective is outside Sales


@pytest.mark.parametrize("param", ["team", "cycle"])
def test_another_workspaces_team_or_cycle_is_not_found(world: World, param: str) -> None:
    other = create_cycle(
        actor=None,
        workspace=world.globex,
        name="Theirs",
        start_date=world.cycle.start_date,
        end_date=world.cycle.end_date,
    )
    target = company_team(world.globex) if param == "team" else other
    client = world.client_for(world.admin)
    assert client.get(reverse("insights"), {param: target.pk}).status_code == 404
    assert client.get(reverse("insights"), {param: "12ab"}).status_code == 404


def test_without_a_cycle_the_page_says_what_to_do(world: World) -> None:
    client = world.client_for(world.outsider)
    html = client.get(reverse("insights")).content.decode()
    assert "No cycle yet" in html
    assert "Create a cycle" in html  # the outsider is Globex's admin


def test_a_team_without_objectives_says_how_to_start(company: Company) -> None:
    client = company.world.client_for(company.world.editor)
    html = client.get(reverse("insights"), {"team": company.support.pk}).content.decode()
    assert "No objectives here yet" in html
    assert "Create an objective" in html
