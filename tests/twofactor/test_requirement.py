"""A workspace that requires two-factor: an admin's setting; its people set it up first."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from goalkeeper.api.services import create_token
from goalkeeper.audit.models import AuditEntry
from goalkeeper.twofactor import services
from goalkeeper.twofactor.models import Requirement
from tests.conftest import PASSWORD, World
from tests.twofactor.helpers import START, code_at, enrol

pytestmark = pytest.mark.django_db


def require(world: World) -> None:
    with time_machine.travel(START, tick=False):
        enrol(world.admin)
    services.set_requirement(actor=world.admin, workspace=world.acme, required=True)


def test_an_admin_turns_the_requirement_on_from_the_settings(world: World):
    with time_machine.travel(START, tick=False):
        enrol(world.admin)
    client = world.client_for(world.admin)
    settings_page = client.get(reverse("workspace_settings")).content.decode()
    assert reverse("twofactor_requirement") in settings_page

    response = client.post(reverse("twofactor_requirement"), {"required": "on"})

    assert response.status_code == 302
    assert Requirement.objects.get(workspace=world.acme).required
    entry = AuditEntry.objects.get(action="twofactor.requirement_changed")
    assert entry.changes == {"required": [False, True]}


def test_an_admin_without_two_factor_is_told_to_turn_it_on_first(world: World):
    client = world.client_for(world.admin)
    response = client.post(reverse("twofactor_requirement"), {"required": "on"})

    assert response.status_code == 400
    assert "turn on two-factor authentication for yourself first" in response.content.decode()
    assert not Requirement.objects.filter(workspace=world.acme, required=True).exists()


def test_only_admins_change_the_requirement(world: World):
    client = world.client_for(world.editor)

    assert client.post(reverse("twofactor_requirement"), {"required": ""}).status_code == 403
    assert not Requirement.objects.exists()


def test_a_person_without_two_factor_is_sent_to_set_it_up_first(world: World):
    require(world)
    client = world.client_for(world.editor)

    home = client.get("/")
    kpis = client.get(reverse("kpis"))
    setup = client.get(reverse("twofactor"))

    assert home.status_code == 302
    assert home["Location"] == reverse("twofactor")
    assert kpis["Location"] == reverse("twofactor")
    assert setup.status_code == 200
    assert "requires two-factor authentication" in setup.content.decode()
    assert client.post(reverse("logout")).status_code == 302


def test_once_set_up_the_person_gets_in(world: World):
    require(world)
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        secret = services.begin_enrolment(person=world.editor, password=PASSWORD).secret
        client.post(reverse("twofactor_confirm"), {"code": code_at(secret, START)})
        response = client.get("/")

    assert response.status_code == 200


def test_people_of_other_workspaces_are_not_asked(world: World):
    require(world)
    client = world.client_for(world.outsider)

    assert client.get("/").status_code == 200


def test_two_factor_cannot_be_turned_off_where_it_is_required(world: World):
    with time_machine.travel(START, tick=False):
        enrol(world.editor)
    require(world)
    client = world.client_for(world.editor)
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        response = client.post(reverse("twofactor_disable"), {"password": "x"})

    assert response.status_code == 400
    assert "requires two-factor authentication" in response.content.decode()


def test_api_tokens_keep_working_where_it_is_required(world: World):
    _, plain = create_token(actor=world.editor, person=world.editor, name="script")
    require(world)
    # Even from a browser signed in without two-factor: the API answers the token.
    client = world.client_for(world.editor)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 200


def test_a_new_requirement_reaches_people_already_signed_in_within_a_minute(world: World):
    with time_machine.travel(START, tick=False):
        client = world.client_for(world.editor)
        assert client.get("/").status_code == 200
    require(world)
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        soon = client.get("/")
    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        later = client.get("/")

    assert soon.status_code == 200  # the session was found clear less than a minute ago
    assert later.status_code == 302
    assert later["Location"] == reverse("twofactor")
