"""The people admin: roles, teams, deactivation with hand-over."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper import events
from goalkeeper.accounts.holdings import holdings_of
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Membership, Person, Role
from goalkeeper.accounts.services import (
    create_team,
    deactivate_person,
    set_memberships,
    update_person,
)
from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from tests.conftest import Everything, World


def test_the_people_page_lists_people_roles_and_teams(world: World, things: Everything):
    html = world.client_for(world.admin).get(reverse("admin_people")).content.decode()

    for name in ("Ada Admin", "Eddie Editor", "Vera Viewer", "Owen Owner", "Acme secret person"):
        assert name in html
    assert "Oscar Outsider" not in html
    assert "Globex secret" not in html
    assert 'data-role="admin"' in html
    assert "Sales" in html  # Eddie's team


def test_the_people_page_filters_by_text_role_and_status(world: World):
    client = world.client_for(world.admin)

    assert (
        "Vera Viewer"
        not in client.get(reverse("admin_people"), {"role": "editor"}).content.decode()
    )
    found = client.get(reverse("admin_people"), {"q": "vera"}).content.decode()
    assert "Vera Viewer" in found
    assert "Eddie Editor" not in found
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    assert "Vera Viewer" not in client.get(reverse("admin_people")).content.decode()
    gone = client.get(reverse("admin_people"), {"status": "deactivated"}).content.decode()
    assert "Vera Viewer" in gone


def test_an_admin_changes_a_role_and_the_change_is_audited(world: World):
    client = world.client_for(world.admin)

    response = client.post(
        reverse("admin_person_edit", args=[world.viewer.pk]),
        {"form": "details", "name": "Vera Viewer", "title": "Analyst", "role": "editor"},
    )

    assert response.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.role == Role.EDITOR
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "person.role_changed"
    assert entry.changes["role"] == ["viewer", "editor"]
    assert entry.changes["title"] == ["", "Analyst"]
    page = client.get(reverse("admin_person_edit", args=[world.viewer.pk])).content.decode()
    # The person's history, in a sentence with a line for the other change.
    said = re.sub(r"<[^>]+>", "", page)
    assert "made Vera Viewer editor" in said
    assert "title set to “Analyst”" in said


def test_the_last_admin_cannot_be_demoted(world: World):
    with pytest.raises(ValidationError, match="at least one admin"):
        update_person(actor=world.admin, person=world.admin, role=Role.EDITOR)

    response = world.client_for(world.admin).post(
        reverse("admin_person_edit", args=[world.admin.pk]),
        {"form": "details", "name": "Ada Admin", "title": "", "role": "viewer"},
    )
    assert response.status_code == 400
    assert "at least one admin" in response.content.decode()


def test_an_admin_sets_a_persons_teams_and_leads(world: World):
    client = world.client_for(world.admin)

    client.post(
        reverse("admin_person_edit", args=[world.viewer.pk]),
        {"form": "teams", "member": [str(world.sales.pk)], "lead": [str(world.company.pk)]},
    )

    memberships = dict(
        Membership.objects.filter(person=world.viewer).values_list("team_id", "is_lead")
    )
    assert memberships == {world.sales.pk: False, world.company.pk: True}
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "person.teams_changed"
    assert entry.changes["teams"] == [[], ["Acme (lead)", "Sales"]]


def test_teams_of_another_workspace_are_refused(world: World, things: Everything):
    client = world.client_for(world.admin)

    client.post(
        reverse("admin_person_edit", args=[world.viewer.pk]),
        {"form": "teams", "member": [str(things.globex.team.pk)]},
    )

    assert not Membership.objects.filter(person=world.viewer).exists()


def test_the_hand_over_sends_an_updated_event_for_each_object(world: World, things: Everything):
    leaver = things.acme.person  # owns an objective and a KPI
    KeyResult.objects.filter(pk=things.acme.key_result.pk).update(owner=leaver)

    with events.recorded() as seen:
        deactivate_person(actor=world.admin, person=leaver, new_owner=world.editor)

    updated = {
        (event.name, event.payload[event.name.split(".")[0]]["id"]): (
            event.payload[event.name.split(".")[0]]["owner"]
        )
        for event in seen
        if event.name.endswith(".updated")
    }
    assert updated == {
        ("objective.updated", things.acme.objective.pk): world.editor.pk,
        ("key_result.updated", things.acme.key_result.pk): world.editor.pk,
        ("kpi.updated", things.acme.kpi.pk): world.editor.pk,
    }


def test_what_a_person_owns_is_counted_by_the_apps_that_own_it(world: World, things: Everything):
    leaver = things.acme.person

    held = holdings_of(leaver)
    page = world.client_for(world.admin).get(reverse("admin_person_deactivate", args=[leaver.pk]))

    assert [(c.key, c.count) for c in held.counts] == [
        ("objectives", 1),
        ("key_results", 0),
        ("kpis", 1),
    ]
    assert held.total == 2
    assert held.text == "1 objective, 0 key results and 1 KPI"
    assert "<strong>1</strong> objective, <strong>0</strong> key results and" in (
        page.content.decode()
    )


def test_deactivating_hands_everything_over_in_one_go(world: World, things: Everything):
    leaver = things.acme.person  # owns an objective and a KPI
    KeyResult.objects.filter(pk=things.acme.key_result.pk).update(owner=leaver)
    check_in = CheckIn.objects.create(key_result=things.acme.key_result, value=3, author=leaver)
    client = world.client_for(world.admin)

    response = client.post(
        reverse("admin_person_deactivate", args=[leaver.pk]), {"new_owner": world.editor.pk}
    )

    assert response["Location"] == reverse("admin_person_edit", args=[leaver.pk])
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert Objective.objects.get(pk=things.acme.objective.pk).owner == world.editor
    assert KeyResult.objects.get(pk=things.acme.key_result.pk).owner == world.editor
    assert Kpi.objects.get(pk=things.acme.kpi.pk).owner == world.editor
    assert CheckIn.objects.get(pk=check_in.pk).author == leaver  # authorship stays
    handed = AuditEntry.objects.filter(action__endswith=".owner_changed", actor=world.admin)
    assert {(e.object_type, tuple(e.changes["owner"])) for e in handed} == {
        ("objective", (leaver.pk, world.editor.pk)),
        ("keyresult", (leaver.pk, world.editor.pk)),
        ("kpi", (leaver.pk, world.editor.pk)),
    }
    assert AuditEntry.objects.filter(action="person.deactivated", object_id=leaver.pk).exists()
    assert "3 items now belong to Eddie Editor" in client.get(response["Location"]).content.decode()


def test_someone_who_owns_things_needs_a_new_owner(world: World, things: Everything):
    leaver = things.acme.person

    response = world.client_for(world.admin).post(
        reverse("admin_person_deactivate", args=[leaver.pk]), {}
    )

    assert response.status_code == 400
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_new_owner_must_be_an_active_person_of_the_workspace(world: World, things: Everything):
    leaver = things.acme.person
    with pytest.raises(ValidationError):
        deactivate_person(actor=world.admin, person=leaver, new_owner=world.outsider)
    response = world.client_for(world.admin).post(
        reverse("admin_person_deactivate", args=[leaver.pk]),
        {"new_owner": things.globex.person.pk},
    )
    assert response.status_code == 400  # not among the choices
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    with pytest.raises(ValidationError, match="active"):
        deactivate_person(actor=world.admin, person=leaver, new_owner=world.viewer)


def test_nobody_deactivates_themselves_or_the_last_admin(world: World):
    with pytest.raises(ValidationError, match="yourself"):
        deactivate_person(actor=world.admin, person=world.admin, new_owner=None)
    Person.objects.filter(pk=world.editor.pk).update(role=Role.ADMIN)
    world.editor.refresh_from_db()
    deactivate_person(actor=world.editor, person=world.admin, new_owner=None)
    with pytest.raises(ValidationError, match="active admin"):
        deactivate_person(actor=world.admin, person=world.editor, new_owner=None)


def test_a_deactivated_person_can_be_reactivated(world: World, rf):
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    client = world.client_for(world.admin)

    client.post(reverse("admin_person_reactivate", args=[world.viewer.pk]))

    world.viewer.refresh_from_db()
    assert world.viewer.is_active
    assert world.client_for(world.viewer).get(reverse("home")).context["person"] == world.viewer


def test_person_of_ignores_inactive_people(world: World, rf):
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    request = rf.get("/")
    request.user = world.viewer.user
    request.session = {}

    assert person_of(request) is None


def test_a_person_of_another_workspace_is_missing(world: World, things: Everything):
    client = world.client_for(world.admin)

    assert (
        client.get(reverse("admin_person_edit", args=[things.globex.person.pk])).status_code == 404
    )


def test_memberships_are_made_in_team_order_whatever_order_the_teams_come_in(world: World):
    emea = create_team(actor=world.admin, workspace=world.acme, name="EMEA", parent=world.sales)

    set_memberships(
        actor=world.admin,
        person=world.viewer,
        teams={emea.pk: True, world.sales.pk: False},
    )

    made = Membership.objects.filter(person=world.viewer).order_by("pk")
    assert [m.team_id for m in made] == [world.sales.pk, emea.pk]
