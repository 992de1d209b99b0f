"""Invited people: added (by an import) without having joined. They own what they were
given; nothing of the workspace reaches them until they accept (docs/security.md)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts import queries
from goalkeeper.accounts.models import Invitation, Person, PersonState
from goalkeeper.accounts.services import (
    accept_invitation,
    add_invited_person,
    deactivate_person,
    decline_invitation,
    reactivate_person,
    send_invitation,
    set_memberships,
)
from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.services.objectives import create_objective
from tests.api.conftest import Api, token_for
from tests.conftest import World


def link_token(message) -> str:
    match = re.search(r"/invite/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def switcher(client: Client) -> str:
    html = client.get(reverse("home")).content.decode()
    found = re.search(r"<[^>]*workspace-switcher.*?</form>", html, re.S)
    return found.group(0) if found else ""


def invite_oscar(world: World) -> Person:
    """Oscar (an admin of Globex, with a login) is added to Acme as an invited person."""
    return add_invited_person(
        actor=world.admin,
        workspace=world.acme,
        email="Oscar@Globex.test",
        name="Oscar in Acme",
        role="viewer",
    )


def test_an_invited_person_exists_with_a_pending_invitation_and_no_email(
    world: World, mailoutbox
) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )

    assert nina.state == PersonState.INVITED
    assert not nina.is_active
    assert not nina.user.has_usable_password()
    invitation = Invitation.objects.get(workspace=world.acme, email="nina@acme.test")
    assert invitation.is_pending()
    assert mailoutbox == []
    assert AuditEntry.objects.filter(action="person.added", object_id=nina.pk).exists()
    assert queries.unclaimed_login("nina@acme.test") == nina.user
    assert queries.people_counts(world.acme)["invited"] == 1


def test_sending_emails_a_new_link_once_committed_and_the_old_one_stops_working(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )
    first = Invitation.objects.get(email="nina@acme.test")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_invitation(actor=world.admin, person=nina)

    assert [m.to for m in mailoutbox] == [["nina@acme.test"]]
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert sent.is_pending()


def test_sending_to_someone_who_joined_is_refused_naming_them(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        send_invitation(actor=world.admin, person=world.editor)

    assert "Eddie" in str(refused.value.message_dict["id"])


def test_the_switcher_and_login_hide_the_workspace_until_accepted(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    oscar_in_acme = invite_oscar(world)
    oscar = world.client_for(world.outsider)

    assert switcher(oscar) == ""
    assert oscar.post(reverse("workspace_switch"), {"workspace": world.acme.pk}).status_code == 404
    assert queries.unclaimed_login("oscar@globex.test") is None  # a login in use elsewhere

    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(actor=world.admin, person=oscar_in_acme)
    token = link_token(mailoutbox[0])
    with pytest.raises(ValidationError):  # someone else cannot claim it with a password
        accept_invitation(token=token, name="Mallory", password="a new password 2026")
    joined = accept_invitation(token=token, user=world.outsider.user)

    assert joined.pk == oscar_in_acme.pk
    assert joined.state == PersonState.ACTIVE
    assert "Acme" in switcher(oscar)


def test_accepting_keeps_what_they_own_and_their_teams(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )
    set_memberships(actor=world.admin, person=nina, teams={world.sales.pk: True})
    objective = create_objective(
        actor=world.admin, cycle=world.cycle, team=world.sales, title="Grow", owner=world.admin
    )
    Objective.objects.filter(pk=objective.pk).update(owner=nina)
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(actor=world.admin, person=nina)

    joined = accept_invitation(
        token=link_token(mailoutbox[0]), name="Nina", password="a new password 2026"
    )

    assert joined.pk == nina.pk
    objective.refresh_from_db()
    assert objective.owner_id == nina.pk
    assert list(joined.memberships.values_list("team_id", "is_lead")) == [(world.sales.pk, True)]
    assert AuditEntry.objects.filter(action="invitation.accepted", actor=joined).exists()


def test_declining_leaves_them_invited_and_the_admin_sees_it(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(actor=world.admin, person=nina)

    decline_invitation(token=link_token(mailoutbox[0]))

    nina.refresh_from_db()
    assert nina.state == PersonState.INVITED
    assert list(queries.invited_to_send(world.acme)) == []  # not asked again in bulk
    page = world.client_for(world.admin).get(reverse("admin_people"), {"status": "invited"})
    html = page.content.decode()
    assert "Nina New" in html
    assert "declined" in html
    assert "Ask again" in html


def test_an_invited_person_is_not_reactivated_but_may_be_deactivated(world: World) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )

    with pytest.raises(ValidationError):
        reactivate_person(actor=world.admin, person=nina)
    deactivate_person(actor=world.admin, person=nina, new_owner=None)

    nina.refresh_from_db()
    assert nina.state == PersonState.DEACTIVATED
    assert not Invitation.objects.get(email="nina@acme.test").is_pending()


def test_the_people_page_sends_one_and_all_invitations(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    for n in range(3):
        add_invited_person(
            actor=world.admin, workspace=world.acme, email=f"new{n}@acme.test", name=f"New {n}"
        )
    client = world.client_for(world.admin)

    page = client.get(reverse("admin_people")).content.decode()
    assert "Send 3 invitations" in page
    first = Person.objects.get(user__email="new0@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        one = client.post(reverse("admin_person_invite", args=[first.pk]))
    assert one.status_code == 302
    assert [m.to for m in mailoutbox] == [["new0@acme.test"]]
    with django_capture_on_commit_callbacks(execute=True):
        everyone = client.post(reverse("admin_people_invite_all"))
    assert everyone.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox[1:]) == [f"new{n}@acme.test" for n in range(3)]


def test_editors_cannot_send_invitations(world: World, mailoutbox) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )
    client = world.client_for(world.editor)

    assert client.post(reverse("admin_person_invite", args=[nina.pk])).status_code == 403
    assert client.post(reverse("admin_people_invite_all")).status_code == 403
    assert mailoutbox == []


def test_the_api_says_each_persons_state_and_filters_by_it(world: World) -> None:
    nina = add_invited_person(
        actor=world.admin, workspace=world.acme, email="nina@acme.test", name="Nina New"
    )
    api = Api(token_for(world.admin))

    listed = {p["email"]: p["state"] for p in api.get("/people").json["items"]}
    invited = api.get("/people", state="invited").json["items"]
    joined = api.get("/people", state="active,deactivated").json["items"]

    assert listed["nina@acme.test"] == "invited"
    assert listed["ada@acme.test"] == "active"
    assert [p["id"] for p in invited] == [nina.pk]
    assert nina.pk not in {p["id"] for p in joined}
    assert api.get(f"/people/{nina.pk}").json["state"] == "invited"
    assert api.get("/people", state="").json["items"] == []
    assert api.get("/people", state="gone").status_code == 422
