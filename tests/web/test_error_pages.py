"""Errors no view answered: pages in the app's look with the reason and a way back; JSON
under the API's path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from goalkeeper.okrs import services
from goalkeeper.okrs.models import CycleState
from goalkeeper.web.errors import server_error
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.django_db


def test_a_missing_objective_is_a_page_with_the_navigation(world: World) -> None:
    response = world.client_for(world.editor).get("/objectives/99999/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-page"' in html
    assert "This page does not exist" in html
    assert 'aria-label="Main"' in html  # the sidebar: the person can go anywhere from here
    assert 'data-testid="error-home"' in html
    assert 'data-testid="error-back"' not in html  # no page of ours to go back to


def test_a_missing_page_for_someone_logged_out_has_no_navigation() -> None:
    response = Client().get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in html
    assert 'aria-label="Main"' not in html


def test_a_check_in_on_a_closed_cycle_says_so_and_leads_back_to_the_objective(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", world.editor)
    key_result = factories.key_result(objective, "Leads")
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    page = reverse("objective_detail", args=[objective.pk])

    response = world.client_for(world.editor).post(
        reverse("key_result_check_in", args=[key_result.pk]),
        {"value": "5"},
        HTTP_REFERER=f"http://testserver{page}",
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this here" in html
    assert "2026-Q4 is closed: its key results take no more check-ins." in html
    assert f'href="{page}" data-testid="error-way-back">Back to the objective</a>' in html


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(world: World) -> None:
    response = world.client_for(world.editor).get(
        "/objectives/99999/", HTTP_REFERER="https://elsewhere.example/phish"
    )

    assert "elsewhere.example" not in response.content.decode()


def test_an_unknown_api_path_answers_json(world: World) -> None:
    inside = Client().get("/api/v1/no-such-thing")  # the API's own answer
    outside = Client().get("/api/v9/objectives")  # no API there: Django's 404, as JSON

    assert inside.status_code == outside.status_code == 404
    assert inside["Content-Type"] == outside["Content-Type"] == "application/json"
    assert outside.json() == {"detail": "Not found.", "errors": []}


def test_a_server_error_page_needs_no_database_and_the_api_gets_json() -> None:
    factory = RequestFactory()

    page = server_error(factory.get("/objectives/"))
    api = server_error(factory.get("/api/v1/objectives"))

    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"


def test_a_check_in_on_a_closed_objective_names_the_objective(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", world.editor)
    key_result = factories.key_result(objective, "Leads")
    services.close_objective(actor=world.editor, objective=objective, final_score=0.5)

    response = world.client_for(world.editor).post(
        reverse("key_result_check_in", args=[key_result.pk]), {"value": "5"}
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "This key result&#x27;s objective is closed: it takes no more check-ins." in html
    assert reverse("objective_detail", args=[objective.pk]) in html
