"""Someone who already has a login joins another workspace only when they say yes.

Adding an email that has a login (API `POST /people`, the invite page) sends an invitation;
until it is accepted, signed in, nothing of the inviting workspace reaches that login: not
the switcher, not its pages, not the API with their tokens. A new email still joins at once.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Invitation, Membership, Person
from goalkeeper.audit.models import AuditEntry
from tests.api.conftest import Api, connection_kept, token_for
from tests.conftest import World

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_and_kept():
    with time_machine.travel(NOW, tick=False), connection_kept():
        yield


def link_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def add_oscar_to_acme(world: World) -> dict:
    """Acme's admin adds oscar@globex.test (an admin of Globex) through the API."""
    response = Api(token_for(world.admin)).post(
        "/people",
        {
            "email": "Oscar@Globex.test",
            "name": "Oscar in Acme",
            "role": "viewer",
            "title": "Advisor",
            "teams": [{"team": world.sales.pk, "lead": True}],
        },
    )
    assert response.status_code == 202, response.data[:500]
    return response.json


def switcher(client: Client) -> str:
    html = client.get(reverse("home")).content.decode()
    found = re.search(r"<[^>]*workspace-switcher.*?</form>", html, re.S)
    return found.group(0) if found else ""


def test_adding_a_known_email_by_api_invites_instead_of_adding(world: World, mailoutbox):
    body = add_oscar_to_acme(world)

    assert body["status"] == "invited"
    assert body["email"] == "oscar@globex.test"
    assert body["role"] == "viewer"
    assert body["teams"] == [{"team": world.sales.pk, "lead": True}]
    assert body["email_sent"] is True
    assert not Person.objects.filter(workspace=world.acme, user=world.outsider.user).exists()
    assert [m.to for m in mailoutbox] == [["oscar@globex.test"]]
    assert "Ada Admin invites you to Acme" in mailoutbox[0].subject
    assert AuditEntry.objects.filter(
        workspace=world.acme, action="invitation.created", object_id=body["invitation"]
    ).exists()


def test_before_accepting_nothing_of_the_workspace_reaches_the_invited_login(
    world: World, mailoutbox
):
    add_oscar_to_acme(world)
    oscar = world.client_for(world.outsider)
    oscar_api = Api(token_for(world.outsider))

    assert switcher(oscar) == ""  # Globex alone: no switcher at all
    refused = oscar.post(reverse("workspace_switch"), {"workspace": world.acme.pk})
    assert refused.status_code == 404
    assert oscar_api.get("/me").json["workspace"] == world.globex.pk
    listed = {p["email"] for p in oscar_api.get("/people").json["items"]}
    assert "ada@acme.test" not in listed
    # Acme's own lists and pickers do not have him as a person either.
    acme_api = Api(token_for(world.admin))
    assert "oscar@globex.test" not in {p["email"] for p in acme_api.get("/people").json["items"]}
    admin = world.client_for(world.admin)
    assert "Oscar" not in admin.get(reverse("pick_people"), {"q": "osc"}).content.decode()
    people_page = admin.get(reverse("admin_people")).content.decode()
    assert "oscar@globex.test" in people_page  # listed under pending invitations


def test_accepting_signed_in_joins_with_the_role_title_and_teams(world: World, mailoutbox):
    add_oscar_to_acme(world)
    oscar = world.client_for(world.outsider)

    response = oscar.post(link_path(mailoutbox[0]))

    assert response["Location"] == reverse("home")
    joined = Person.objects.get(workspace=world.acme, user=world.outsider.user)
    assert (joined.role, joined.title, joined.name) == ("viewer", "Advisor", "Oscar in Acme")
    assert list(Membership.objects.filter(person=joined).values_list("team_id", "is_lead")) == [
        (world.sales.pk, True)
    ]
    both = switcher(oscar)
    assert "Acme" in both
    assert "Globex" in both
    assert "oscar@globex.test" in {
        p["email"] for p in Api(token_for(world.admin)).get("/people").json["items"]
    }
    assert AuditEntry.objects.filter(workspace=world.acme, action="invitation.accepted").exists()


def test_declining_leaves_nothing_and_kills_the_link(world: World, mailoutbox):
    body = add_oscar_to_acme(world)
    oscar = world.client_for(world.outsider)
    path = link_path(mailoutbox[0])

    response = oscar.post(path, {"decision": "decline"})

    assert response.status_code == 200
    assert 'data-testid="declined-invitation"' in response.content.decode()
    assert not Person.objects.filter(workspace=world.acme, user=world.outsider.user).exists()
    assert Invitation.objects.get(pk=body["invitation"]).declined_at == NOW
    assert AuditEntry.objects.filter(workspace=world.acme, action="invitation.declined").exists()
    assert oscar.post(path).status_code == 404  # a declined link cannot be accepted after
    assert switcher(oscar) == ""
    people_page = world.client_for(world.admin).get(reverse("admin_people")).content.decode()
    assert "oscar@globex.test" not in people_page  # no longer pending


def test_someone_else_signed_in_cannot_decline_for_the_invited_login(world: World, mailoutbox):
    add_oscar_to_acme(world)

    response = world.client_for(world.editor).post(
        link_path(mailoutbox[0]), {"decision": "decline"}
    )

    assert response.status_code == 403
    assert Invitation.objects.get(email="oscar@globex.test").declined_at is None


def test_a_new_email_is_still_added_at_once(world: World, mailoutbox):
    response = Api(token_for(world.admin)).post(
        "/people", {"email": "nina@acme.test", "name": "Nina", "role": "viewer"}
    )

    assert response.status_code == 201
    assert response.json["email"] == "nina@acme.test"
    assert Person.objects.filter(workspace=world.acme, user__email="nina@acme.test").exists()
    assert not Invitation.objects.exists()
    assert django_mail.outbox == []


def test_adding_someone_already_in_the_workspace_is_refused_by_name(world: World, mailoutbox):
    response = Api(token_for(world.admin)).post(
        "/people", {"email": "eddie@acme.test", "name": "Eddie again"}
    )

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "email"
    assert not Invitation.objects.exists()


def test_an_invitation_with_a_foreign_team_is_refused(world: World, mailoutbox):
    foreign = world.globex.teams.first()

    response = Api(token_for(world.admin)).post(
        "/people",
        {"email": "oscar@globex.test", "name": "Oscar", "teams": [{"team": foreign.pk}]},
    )

    assert response.status_code == 422
    assert not Invitation.objects.exists()
    assert mailoutbox == []
