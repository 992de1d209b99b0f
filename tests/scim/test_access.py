"""Who reaches /scim/v2/: a live SCIM token only, and only its own workspace."""

from __future__ import annotations

import datetime as dt

import time_machine

from goalkeeper.accounts.models import Person, Role
from goalkeeper.accounts.services import deactivate_person, update_person
from goalkeeper.api.services import create_token as create_api_token
from goalkeeper.scim.models import ScimToken
from goalkeeper.scim.services import revoke_token
from tests.conftest import World
from tests.scim.conftest import Scim, assert_scim_error, okta_user, scim_for


def test_no_token_is_refused_with_401_in_the_error_shape(scim: Scim) -> None:
    response = scim.client.get("/scim/v2/Users")

    assert_scim_error(response, 401, None, "Authorization")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_personal_api_token_does_not_open_scim(scim: Scim, world: World) -> None:
    _token, raw = create_api_token(actor=world.admin, person=world.admin, name="script")

    response = scim.client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert_scim_error(response, 401, None, "Authorization")


def test_a_revoked_token_is_refused(scim: Scim, world: World) -> None:
    revoke_token(actor=world.admin, token=ScimToken.objects.get())

    response = scim.post("/Users", okta_user("late@acme.test", "Late", "Comer"))

    assert_scim_error(response, 401, None, "Authorization")
    assert not Person.objects.filter(user__email="late@acme.test").exists()


def test_a_token_stops_when_its_admin_is_no_longer_an_admin(scim: Scim, world: World) -> None:
    update_person(actor=world.admin, person=world.editor, role=Role.ADMIN)
    update_person(actor=world.editor, person=world.admin, role=Role.EDITOR)

    assert_scim_error(scim.get("/Users"), 401, None, "Authorization")


def test_a_token_stops_when_its_admin_is_deactivated(scim: Scim, world: World) -> None:
    update_person(actor=world.admin, person=world.editor, role=Role.ADMIN)
    deactivate_person(actor=world.editor, person=world.admin, new_owner=None)

    assert_scim_error(scim.get("/Users"), 401, None, "Authorization")


def test_the_token_keeps_when_it_was_last_used(scim: Scim) -> None:
    moment = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        scim.get("/Users")

    assert ScimToken.objects.get().last_used_at == moment


def test_another_workspaces_token_sees_none_of_acmes_people(scim: Scim, world: World) -> None:
    globex = scim_for(world.outsider)

    body = globex.get("/Users").json()

    assert [r["userName"] for r in body["Resources"]] == ["oscar@globex.test"]
    found = globex.get("/Users", filter='userName eq "eddie@acme.test"').json()
    assert found["totalResults"] == 0


def test_another_workspaces_token_finds_acmes_person_missing_and_changes_nothing(
    world: World,
) -> None:
    globex = scim_for(world.outsider)
    url = f"/Users/{world.viewer.pk}"

    assert_scim_error(globex.get(url), 404, None, "id")
    assert_scim_error(
        globex.patch(url, {"op": "replace", "value": {"active": False}}), 404, None, "id"
    )
    assert_scim_error(
        globex.put(url, okta_user("vera@acme.test", "Vera", "Stolen")), 404, None, "id"
    )
    assert_scim_error(globex.delete(url), 404, None, "id")
    world.viewer.refresh_from_db()
    assert world.viewer.is_active
    assert world.viewer.name == "Vera Viewer"


def test_another_workspaces_token_finds_acmes_team_missing(world: World) -> None:
    globex = scim_for(world.outsider)
    url = f"/Groups/{world.sales.pk}"

    assert globex.get("/Groups").json()["totalResults"] == 0
    assert_scim_error(globex.get(url), 404, None, "id")
    assert_scim_error(
        globex.patch(url, {"op": "replace", "path": "displayName", "value": "Ours"}),
        404,
        None,
        "id",
    )
    assert_scim_error(globex.delete(url), 404, None, "id")
    world.sales.refresh_from_db()
    assert (world.sales.name, world.sales.archived_at) == ("Sales", None)


def test_a_person_created_by_another_workspace_lands_there_only(world: World) -> None:
    globex = scim_for(world.outsider)

    response = globex.post("/Users", okta_user("gina@globex.test", "Gina", "G"))

    assert response.status_code == 201
    person = Person.objects.get(user__email="gina@globex.test")
    assert person.workspace_id == world.globex.pk


def test_the_discovery_documents_answer_as_scim(scim: Scim) -> None:
    config = scim.get("/ServiceProviderConfig")
    assert config.status_code == 200
    assert config["Content-Type"] == "application/scim+json"
    assert config.json()["patch"] == {"supported": True}
    assert config.json()["filter"]["supported"] is True

    types = scim.get("/ResourceTypes").json()
    assert {t["endpoint"] for t in types["Resources"]} == {"/Users", "/Groups"}

    schemas = scim.get("/Schemas").json()
    user = next(s for s in schemas["Resources"] if s["name"] == "User")
    assert "userName" in {a["name"] for a in user["attributes"]}


def test_a_method_a_resource_does_not_take_is_refused(scim: Scim) -> None:
    response = scim.send("DELETE", "/Users")

    assert_scim_error(response, 405, None, "method")


def test_a_path_that_is_no_endpoint_answers_404_in_the_error_shape(scim: Scim) -> None:
    assert_scim_error(scim.post("/Bulk", {"Operations": []}), 404, None, "path")
    assert_scim_error(scim.client.get("/scim/v2/Bulk"), 401, None, "Authorization")
