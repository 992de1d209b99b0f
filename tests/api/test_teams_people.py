"""Teams and people through the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts.models import Membership, Person, User
from goalkeeper.accounts.services import add_person, remove_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.services import create_objective
from tests.api.conftest import Api, fields_of
from tests.conftest import World


def test_teams_form_a_tree_under_the_company(world: World, admin_api: Api) -> None:
    ops = admin_api.post("/teams", {"name": "Operations"})
    assert ops.status_code == 201
    assert ops.json["parent"] == world.company.pk
    squad = admin_api.post("/teams", {"name": "Squad", "parent": ops.json["id"]}).json

    assert admin_api.get("/teams", parent=ops.json["id"]).json["items"] == [squad]
    assert admin_api.get(f"/teams/{world.company.pk}").json["parent"] is None


def test_a_team_is_renamed_moved_archived_and_restored(world: World, admin_api: Api) -> None:
    ops = admin_api.post("/teams", {"name": "Operations"}).json

    moved = admin_api.patch(f"/teams/{ops['id']}", {"name": "Ops", "parent": world.sales.pk})
    assert moved.json["name"] == "Ops"
    assert moved.json["parent"] == world.sales.pk
    archived = admin_api.patch(f"/teams/{ops['id']}", {"archived": True}).json
    assert archived["archived"] is True
    assert admin_api.get("/teams", archived=True).json["count"] == 1
    restored = admin_api.patch(f"/teams/{ops['id']}", {"archived": False}).json
    assert restored["archived_at"] is None


def test_archiving_a_team_keeps_its_objectives(world: World, admin_api: Api) -> None:
    create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")

    assert admin_api.post(f"/teams/{world.sales.pk}/archive").status_code == 200

    assert admin_api.get(f"/teams/{world.sales.pk}").json["archived"] is True
    assert admin_api.get("/objectives", team=world.sales.pk).json["count"] == 1


def test_the_company_root_cannot_be_archived(world: World, admin_api: Api) -> None:
    response = admin_api.post(f"/teams/{world.company.pk}/archive")

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] is None


def test_the_company_root_cannot_be_deleted(world: World, admin_api: Api) -> None:
    response = admin_api.delete(f"/teams/{world.company.pk}")

    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": None, "message": "the company root cannot be deleted"}
    ]


def test_a_team_cannot_move_under_itself(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/teams/{world.sales.pk}", {"parent": world.sales.pk})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"parent"}


def test_people_are_listed_with_their_teams(world: World, viewer_api: Api) -> None:
    people = viewer_api.get("/people").json

    assert people["count"] == Person.objects.filter(workspace=world.acme).count()
    eddie = viewer_api.get(f"/people/{world.editor.pk}").json
    assert eddie["email"] == "eddie@acme.test"
    assert eddie["teams"] == [{"team": world.sales.pk, "lead": True}]
    assert viewer_api.get("/people", team=world.sales.pk).json["items"] == [eddie]
    viewers = viewer_api.get("/people", role="viewer").json["items"]
    assert world.viewer.pk in [p["id"] for p in viewers]
    assert {p["role"] for p in viewers} == {"viewer"}


def test_an_admin_adds_a_person_in_teams(world: World, admin_api: Api) -> None:
    response = admin_api.post(
        "/people",
        {
            "email": "Nina@Acme.test",
            "name": "Nina",
            "role": "viewer",
            "title": "Analyst",
            "teams": [{"team": world.sales.pk}],
        },
    )

    assert response.status_code == 201
    nina = response.json
    assert nina["email"] == "nina@acme.test"
    assert nina["role"] == "viewer"
    assert nina["teams"] == [{"team": world.sales.pk, "lead": False}]


def test_a_person_is_only_added_once(world: World, admin_api: Api) -> None:
    response = admin_api.post("/people", {"email": "eddie@acme.test", "name": "Eddie again"})

    assert response.status_code == 422


def test_an_admin_changes_a_persons_role_and_teams(world: World, admin_api: Api) -> None:
    response = admin_api.patch(
        f"/people/{world.viewer.pk}",
        {"role": "editor", "teams": [{"team": world.company.pk, "lead": True}]},
    )

    assert response.json["role"] == "editor"
    assert response.json["teams"] == [{"team": world.company.pk, "lead": True}]


def test_the_last_admin_keeps_the_role(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/people/{world.admin.pk}", {"role": "viewer"})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"role"}


def test_deactivating_hands_over_what_they_own(world: World, admin_api: Api) -> None:
    grow = create_objective(
        actor=None, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )

    needs_owner = admin_api.post(f"/people/{world.editor.pk}/deactivate")
    assert needs_owner.status_code == 422
    assert set(fields_of(needs_owner)) == {"new_owner"}

    done = admin_api.post(f"/people/{world.editor.pk}/deactivate?new_owner={world.admin.pk}")
    assert done.status_code == 200, done.json
    assert done.json["active"] is False
    assert admin_api.get(f"/objectives/{grow.pk}").json["owner"] == world.admin.pk
    assert admin_api.get(f"/people/{world.editor.pk}").json["active"] is False
    active = admin_api.get("/people", active=True).json["items"]
    assert world.editor.pk not in [p["id"] for p in active]
    back = admin_api.post(f"/people/{world.editor.pk}/reactivate")
    assert back.status_code == 200, back.json
    assert back.json["active"] is True
    assert Person.objects.get(pk=world.editor.pk).is_active


def test_reactivating_an_active_person_is_refused(world: World, admin_api: Api) -> None:
    assert admin_api.post(f"/people/{world.viewer.pk}/reactivate").status_code == 422


def test_deactivation_is_not_a_patch(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/people/{world.viewer.pk}", {"active": False})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"active"}


def test_an_admin_cannot_deactivate_themselves(world: World, admin_api: Api) -> None:
    assert admin_api.post(f"/people/{world.admin.pk}/deactivate").status_code == 422


# --- Removing a person ----------------------------------------------------------------------


def test_removing_a_person_takes_them_out_of_this_workspace_only(
    world: World, admin_api: Api
) -> None:
    editor = world.editor
    Membership.objects.get_or_create(team=world.sales, person=editor)
    elsewhere = add_person(
        actor=None,
        workspace=world.globex,
        email=editor.user.email,
        name="Eddie at Globex",
        existing_login=True,
    )
    grow = create_objective(
        actor=None, cycle=world.cycle, team=world.sales, title="Grow", owner=editor
    )

    needs_owner = admin_api.delete(f"/people/{editor.pk}")
    assert needs_owner.status_code == 422
    assert set(fields_of(needs_owner)) == {"new_owner"}
    assert Person.objects.filter(pk=editor.pk).exists()

    assert admin_api.delete(f"/people/{editor.pk}", new_owner=world.admin.pk).status_code == 204

    assert admin_api.get(f"/people/{editor.pk}").status_code == 404
    assert admin_api.get(f"/objectives/{grow.pk}").json["owner"] == world.admin.pk
    assert not Membership.objects.filter(person_id=editor.pk).exists()
    assert User.objects.filter(pk=editor.user_id).exists()
    assert Person.objects.filter(pk=elsewhere.pk).exists()
    assert AuditEntry.objects.filter(action="person.removed").count() == 1


def test_a_removed_person_leaves_a_tombstone_in_the_changes_feed(
    world: World, admin_api: Api
) -> None:
    assert admin_api.delete(f"/people/{world.viewer.pk}").status_code == 204

    changes = admin_api.get("/changes", type="person").json["items"]

    assert ("person", world.viewer.pk, "deleted") in [
        (c["type"], c["id"], c["change"]) for c in changes
    ]


def test_a_deactivated_person_can_be_removed(world: World, admin_api: Api) -> None:
    assert admin_api.post(f"/people/{world.viewer.pk}/deactivate").status_code == 200

    assert admin_api.delete(f"/people/{world.viewer.pk}").status_code == 204
    assert not Person.objects.filter(pk=world.viewer.pk).exists()


def test_an_admin_cannot_remove_themselves(world: World, admin_api: Api) -> None:
    response = admin_api.delete(f"/people/{world.admin.pk}")

    assert response.status_code == 422
    assert "yourself" in fields_of(response)["id"]
    assert Person.objects.filter(pk=world.admin.pk).exists()


def test_the_last_active_admin_cannot_be_removed(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        remove_person(actor=world.editor, person=world.admin, new_owner=None)

    assert "id" in refused.value.message_dict
    assert Person.objects.filter(pk=world.admin.pk).exists()


def test_editors_cannot_remove_people(world: World, editor_api: Api) -> None:
    assert editor_api.delete(f"/people/{world.viewer.pk}").status_code == 403
    assert Person.objects.filter(pk=world.viewer.pk).exists()
