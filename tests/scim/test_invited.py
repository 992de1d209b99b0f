"""When the accounts service invites someone rather than adding them (their login belongs to
another workspace and they must consent), SCIM answers what it did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from goalkeeper.accounts import services as accounts
from goalkeeper.accounts.models import Invitation, Person
from tests.conftest import World
from tests.scim.conftest import Scim, assert_scim_error, okta_user, scim_for

INVITED = "urn:goalkeeper:params:scim:schemas:extension:2.0:User"


@pytest.fixture
def inviting() -> None:
    """Oscar's login belongs to Globex: the accounts service invites him (consent)."""


def test_an_identity_provider_cannot_add_a_login_of_another_workspace_without_consent(
    scim: Scim, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider"))

    assert response.status_code == 201, response.content
    assert response.json()["active"] is False
    assert not Person.objects.filter(workspace=world.acme, user=world.outsider.user).exists()
    assert [m.to for m in mail.outbox] == [["oscar@globex.test"]]


def test_an_invited_person_is_answered_inactive_with_the_invitation_as_id(
    scim: Scim, world: World, inviting: None
) -> None:
    response = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider"))

    assert response.status_code == 201, response.content
    body = response.json()
    invitation = Invitation.objects.get(workspace=world.acme, email="oscar@globex.test")
    assert body["id"] == f"invitation-{invitation.pk}"
    assert body["active"] is False
    assert body[INVITED] == {"state": "invited"}
    assert not Person.objects.filter(workspace=world.acme, user=world.outsider.user).exists()
    assert scim.get(f"/Users/invitation-{invitation.pk}").json()["active"] is False


def test_an_invited_person_reads_as_the_person_once_they_accept(
    scim: Scim, world: World, inviting: None
) -> None:
    body = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider")).json()
    # As accepting does: the person joins and the invitation names them.
    joined = accounts.add_person(
        actor=None,
        workspace=world.acme,
        email="oscar@globex.test",
        name="Oscar",
        existing_login=True,
    )
    Invitation.objects.filter(workspace=world.acme).update(
        accepted_by=joined, accepted_at=joined.created_at
    )

    response = scim.get(f"/Users/{body['id']}")

    assert response.status_code == 200
    assert response.json()["id"] == str(joined.pk)
    assert response.json()["active"] is True


def test_deleting_an_invited_person_withdraws_the_invitation(
    scim: Scim, world: World, inviting: None
) -> None:
    body = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider")).json()

    response = scim.delete(f"/Users/{body['id']}")

    assert response.status_code == 204
    assert Invitation.objects.get(workspace=world.acme).revoked_at is not None


def test_an_invited_person_cannot_be_changed_before_they_accept(
    scim: Scim, world: World, inviting: None
) -> None:
    body = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider")).json()

    response = scim.patch(
        f"/Users/{body['id']}", {"op": "replace", "path": "displayName", "value": "O"}
    )

    assert_scim_error(response, 409, "mutability", "id")


def test_another_workspaces_invitation_is_missing(world: World, inviting: None) -> None:
    invitation, _token = accounts.invite_person(
        actor=world.outsider, workspace=world.globex, email="new@globex.test"
    )
    acme = scim_for(world.admin)

    assert_scim_error(acme.get(f"/Users/invitation-{invitation.pk}"), 404, None, "id")
    assert_scim_error(acme.delete(f"/Users/invitation-{invitation.pk}"), 404, None, "id")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def _invited_oscar(scim: Scim) -> str:
    body = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider")).json()
    return str(body["id"])


def test_a_pending_invitation_is_found_by_its_user_name(
    scim: Scim, world: World, inviting: None
) -> None:
    scim_id = _invited_oscar(scim)

    body = scim.get("/Users", filter='userName eq "OSCAR@globex.test"').json()

    assert body["totalResults"] == 1
    assert [(r["id"], r["active"]) for r in body["Resources"]] == [(scim_id, False)]


def test_a_listing_holds_the_people_then_the_pending_invitations(
    scim: Scim, world: World, inviting: None
) -> None:
    scim_id = _invited_oscar(scim)
    people = Person.objects.filter(workspace=world.acme).count()

    body = scim.get("/Users").json()
    last = scim.get("/Users", startIndex=people + 1, count=5).json()

    assert body["totalResults"] == people + 1
    assert body["Resources"][-1]["id"] == scim_id
    assert [r["id"] for r in last["Resources"]] == [scim_id]
    assert scim.get("/Users", filter="active eq true").json()["totalResults"] == people
    assert scim.get("/Users", filter='externalId eq "x"').json()["totalResults"] == 0


def test_adding_an_invited_email_again_is_refused_as_taken_and_sends_nothing(
    scim: Scim, world: World, inviting: None, django_capture_on_commit_callbacks: Any
) -> None:
    scim_id = _invited_oscar(scim)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider"))

    body = assert_scim_error(response, 409, "uniqueness", "userName")
    assert scim_id in body["detail"]
    assert mail.outbox == []
    invitation = Invitation.objects.get(workspace=world.acme)
    assert invitation.is_pending()
    assert f"invitation-{invitation.pk}" == scim_id


@pytest.mark.parametrize("ended", ["declined_at", "revoked_at", "expires_at"])
def test_an_invitation_no_longer_pending_is_missing(
    scim: Scim, world: World, inviting: None, ended: str
) -> None:
    scim_id = _invited_oscar(scim)
    invitation = Invitation.objects.get(workspace=world.acme)
    setattr(invitation, ended, timezone.now() - timedelta(seconds=1))
    invitation.save()

    assert_scim_error(scim.get(f"/Users/{scim_id}"), 404, None, "id")
    assert_scim_error(
        scim.put(f"/Users/{scim_id}", okta_user("o@globex.test", "O", "O")), 404, None, "id"
    )
    assert scim.get("/Users", filter='userName eq "oscar@globex.test"').json()["totalResults"] == 0
    # The identity provider may then ask again: a new invitation.
    assert scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "O")).status_code == 201
