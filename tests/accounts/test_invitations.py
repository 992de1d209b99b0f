"""Inviting a person by email with a one-time link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Invitation, Membership, Person, Role, User
from goalkeeper.accounts.services import accept_invitation, invite_person
from goalkeeper.audit.models import AuditEntry
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "welcome aboard 2026"


def invite(world: World, client: Client, email: str = "nina@acme.test", **extra) -> str:
    """Invite through the page; returns the link's path from the email."""
    response = client.post(
        reverse("admin_invite"),
        {"email": email, "name": "Nina New", "role": "viewer", **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def link_path(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/[\w-]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_an_admin_invites_by_email_and_sees_the_link_once(world: World, mailoutbox):
    client = world.client_for(world.admin)

    response = invite(world, client, team=str(world.sales.pk))

    assert response["Location"] == reverse("admin_people")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nina@acme.test"]
    assert "Ada Admin invites you to Acme" in mail.subject
    path = link_path(mail)
    people = client.get(reverse("admin_people")).content.decode()
    assert path in people  # the admin can hand the link over if the email is lost
    assert "nina@acme.test" in people  # listed as pending
    invitation = Invitation.objects.get(email="nina@acme.test")
    assert path.split("/")[2] not in invitation.token_hash  # only the hash is stored
    assert AuditEntry.objects.filter(action="invitation.created").exists()


def test_accepting_creates_the_login_and_the_person_with_the_role_and_team(
    world: World, mailoutbox
):
    invite(world, world.client_for(world.admin), team=str(world.sales.pk))
    path = link_path(mailoutbox[0])
    client = Client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Join Acme" in page.content.decode()
    response = client.post(
        path, {"name": "Nina N.", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response["Location"] == reverse("home")
    person = Person.objects.get(user__email="nina@acme.test", workspace=world.acme)
    assert (person.name, person.role) == ("Nina N.", Role.VIEWER)
    assert Membership.objects.filter(person=person, team=world.sales).exists()
    assert person.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).context["person"] == person
    assert AuditEntry.objects.filter(action="invitation.accepted", actor=person).exists()


def test_the_link_works_once(world: World, mailoutbox):
    invite(world, world.client_for(world.admin))
    path = link_path(mailoutbox[0])
    Client().post(path, {"name": "Nina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(path)

    assert again.status_code == 404
    assert 'data-testid="invalid-invitation"' in again.content.decode()


def test_an_expired_link_does_not_work(world: World, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), tick=False):
        invite(world, world.client_for(world.admin))
    path = link_path(mailoutbox[0])

    with time_machine.travel(dt.datetime(2026, 11, 9, tzinfo=dt.UTC), tick=False):
        assert Client().get(path).status_code == 404


def test_inviting_again_replaces_the_old_link_and_revoking_kills_it(world: World, mailoutbox):
    admin = world.client_for(world.admin)
    invite(world, admin)
    invite(world, admin)
    first, second = link_path(mailoutbox[0]), link_path(mailoutbox[1])

    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200

    invitation = Invitation.objects.get(email="nina@acme.test", revoked_at__isnull=True)
    admin.post(reverse("admin_invite_revoke", args=[invitation.pk]))
    assert Client().get(second).status_code == 404


def test_an_existing_login_joins_with_its_own_password(world: World, mailoutbox):
    invite(world, world.client_for(world.admin), email="oscar@globex.test")
    path = link_path(mailoutbox[0])
    client = Client()

    page = client.get(path).content.decode()
    assert "enter its password" in page
    wrong = client.post(path, {"password": "not it"})
    assert wrong.status_code == 400
    response = client.post(path, {"password": PASSWORD})

    assert response["Location"] == reverse("home")
    assert Person.objects.filter(user=world.outsider.user, workspace=world.acme).exists()
    assert User.objects.filter(email="oscar@globex.test").count() == 1


def test_a_signed_in_login_of_the_invited_email_joins_in_one_click(world: World, mailoutbox):
    invite(world, world.client_for(world.admin), email="oscar@globex.test")
    client = world.client_for(world.outsider)

    response = client.post(link_path(mailoutbox[0]))

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["workspace"] == world.acme


def test_someone_signed_in_as_another_login_is_told_to_log_out(world: World, mailoutbox):
    invite(world, world.client_for(world.admin))
    client = world.client_for(world.editor)

    response = client.post(link_path(mailoutbox[0]), {"name": "x"})

    assert response.status_code == 403
    assert 'data-testid="wrong-user"' in response.content.decode()
    assert not Person.objects.filter(user__email="nina@acme.test").exists()


def test_a_member_cannot_be_invited_again(world: World):
    client = world.client_for(world.admin)

    response = client.post(reverse("admin_invite"), {"email": "eddie@acme.test", "role": "viewer"})

    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_a_weak_password_is_refused(world: World, mailoutbox):
    invite(world, world.client_for(world.admin))

    response = Client().post(
        link_path(mailoutbox[0]), {"name": "Nina", "password1": "123", "password2": "123"}
    )

    assert response.status_code == 400
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_editors_cannot_invite(world: World, mailoutbox):
    response = world.client_for(world.editor).post(
        reverse("admin_invite"), {"email": "x@acme.test", "role": "admin"}
    )

    assert response.status_code == 403
    assert mailoutbox == []


def test_two_clicks_on_one_link_make_one_person(world: World):
    _, token = invite_person(
        actor=world.admin, workspace=world.acme, email="twice@acme.test", role=Role.EDITOR
    )
    accept_invitation(token=token, name="Twice", password=NEW_PASSWORD)

    with pytest.raises(ValidationError):
        accept_invitation(token=token, name="Twice", password=NEW_PASSWORD)
    assert Person.objects.filter(user__email="twice@acme.test").count() == 1


def test_a_mail_server_failure_still_hands_the_link_to_the_admin(
    world: World, settings, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("goalkeeper.accounts.emails.send_mail", broken)
    client = world.client_for(world.admin)

    client.post(reverse("admin_invite"), {"email": "nina@acme.test", "role": "viewer"})

    page = client.get(reverse("admin_people")).content.decode()
    assert "could not be sent" in page
    assert "/invite/" in page
