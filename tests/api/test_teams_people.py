"""Teams and people through the API."""

from __future__ import annotations

from goalkeeper.accounts.models import Person
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


def test_deleting_a_team_archives_it_and_keeps_its_objectives(world: World, admin_api: Api) -> None:
    create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")

    assert admin_api.delete(f"/teams/{world.sales.pk}").status_code == 204

    assert admin_api.get(f"/teams/{world.sales.pk}").json["archived"] is True
    assert admin_api.get("/objectives", team=world.sales.pk).json["count"] == 1


def test_the_company_root_cannot_be_archived(world: World, admin_api: Api) -> None:
    response = admin_api.delete(f"/teams/{world.company.pk}")

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] is None


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

    needs_owner = admin_api.delete(f"/people/{world.editor.pk}")
    assert needs_owner.status_code == 422
    assert set(fields_of(needs_owner)) == {"new_owner"}

    assert (
        admin_api.delete(f"/people/{world.editor.pk}", new_owner=world.admin.pk).status_code == 204
    )
    assert admin_api.get(f"/objectives/{grow.pk}").json["owner"] == world.admin.pk
    assert admin_api.get(f"/people/{world.editor.pk}").json["active"] is False
    active = admin_api.get("/people", active=True).json["items"]
    assert world.editor.pk not in [p["id"] for p in active]
    back = admin_api.patch(f"/people/{world.editor.pk}", {"active": True})
    assert back.json["active"] is True
    assert Person.objects.get(pk=world.editor.pk).is_active


def test_deactivation_is_not_a_patch(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/people/{world.viewer.pk}", {"active": False})

    assert response.status_code == 422
    assert set(fields_of(response)) == {"active"}


def test_an_admin_cannot_deactivate_themselves(world: World, admin_api: Api) -> None:
    assert admin_api.delete(f"/people/{world.admin.pk}").status_code == 422
