"""People provisioned as SCIM Users: create, change, deactivate, reactivate, find, page."""

from __future__ import annotations

from goalkeeper.accounts.models import Person
from goalkeeper.accounts.services import add_member, add_person, invite_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.services import create_objective
from goalkeeper.scim.models import ExternalPerson
from tests.conftest import World
from tests.scim.conftest import (
    USER_SCHEMA,
    Scim,
    assert_scim_error,
    entra_user,
    okta_user,
)


def _person(email: str, world: World) -> Person:
    return Person.objects.select_related("user").get(workspace=world.acme, user__email=email)


def test_okta_creates_a_person_with_their_external_id(scim: Scim, world: World) -> None:
    response = scim.post("/Users", okta_user("isabel@acme.test", "Isabel", "Ing"))

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    person = _person("isabel@acme.test", world)
    assert response["Location"] == f"http://testserver/scim/v2/Users/{person.pk}"
    assert body["id"] == str(person.pk)
    assert body["userName"] == "isabel@acme.test"
    assert body["active"] is True
    assert body["externalId"] == "00u1abcd2EFGH3ijk4x7"
    assert body["schemas"] == [USER_SCHEMA]
    assert person.name == "Isabel Ing"
    assert person.is_active
    assert ExternalPerson.objects.get(person=person).external_id == "00u1abcd2EFGH3ijk4x7"
    added = AuditEntry.objects.get(action="person.added", object_id=person.pk)
    assert added.actor_id == world.admin.pk


def test_entra_creates_a_person_from_their_formatted_name(scim: Scim, world: World) -> None:
    response = scim.post("/Users", entra_user("Jonas.Jung@Acme.test", "Jonas", "Jung"))

    assert response.status_code == 201, response.content
    person = _person("jonas.jung@acme.test", world)
    assert person.name == "Jonas Jung"
    assert response.json()["externalId"] == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"


def test_a_user_name_already_in_the_workspace_is_refused_as_not_unique(
    scim: Scim, world: World
) -> None:
    response = scim.post("/Users", okta_user("EDDIE@acme.test", "Eddie", "Again"))

    assert_scim_error(response, 409, "uniqueness", "userName")
    assert Person.objects.filter(workspace=world.acme, user__email="eddie@acme.test").count() == 1


def test_a_login_of_another_workspace_is_answered_as_the_accounts_service_left_it(
    scim: Scim, world: World
) -> None:
    response = scim.post("/Users", okta_user("oscar@globex.test", "Oscar", "Outsider"))

    assert response.status_code == 201, response.content
    body = response.json()
    joined = Person.objects.filter(workspace=world.acme, user=world.outsider.user).first()
    if joined is not None:
        assert body["id"] == str(joined.pk)
        assert body["active"] is True
    else:  # invited rather than added: inactive until they accept
        assert body["id"].startswith("invitation-")
        assert body["active"] is False


def test_a_user_without_user_name_is_refused_naming_it(scim: Scim) -> None:
    payload = okta_user("x@acme.test", "X", "Y")
    del payload["userName"]

    assert_scim_error(scim.post("/Users", payload), 400, "invalidValue", "userName")


def test_a_user_name_that_is_no_email_is_refused_naming_it(scim: Scim) -> None:
    payload = okta_user("x@acme.test", "X", "Y", userName="x@", emails=[])

    assert_scim_error(scim.post("/Users", payload), 400, "invalidValue", "userName")


def test_a_body_that_is_not_json_is_refused_as_invalid_syntax(scim: Scim) -> None:
    response = scim.client.generic(
        "POST",
        "/scim/v2/Users",
        "{not json",
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.raw}",
    )

    assert_scim_error(response, 400, "invalidSyntax", "body")


def test_okta_deactivates_a_person_with_patch_active_false(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}", {"op": "replace", "value": {"active": False}}
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active
    entry = AuditEntry.objects.get(action="person.deactivated", object_id=world.viewer.pk)
    assert entry.actor_id == world.admin.pk


def test_entra_deactivates_a_person_with_a_string_false(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}", {"op": "Replace", "path": "active", "value": "False"}
    )

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active


def test_delete_deactivates_the_person_and_keeps_them(scim: Scim, world: World) -> None:
    response = scim.delete(f"/Users/{world.viewer.pk}")

    assert response.status_code == 204
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active
    again = scim.get(f"/Users/{world.viewer.pk}")
    assert again.status_code == 200
    assert again.json()["active"] is False


def test_patch_active_true_reactivates_a_deactivated_person(scim: Scim, world: World) -> None:
    scim.delete(f"/Users/{world.viewer.pk}")

    response = scim.patch(
        f"/Users/{world.viewer.pk}", {"op": "replace", "path": "active", "value": True}
    )

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert world.viewer.is_active
    assert AuditEntry.objects.filter(action="person.reactivated").count() == 1


def test_deactivating_someone_who_owns_things_hands_them_to_the_tokens_admin(
    scim: Scim, world: World
) -> None:
    objective = create_objective(
        actor=world.admin, cycle=world.cycle, title="Grow", owner=world.viewer, team=world.sales
    )

    response = scim.delete(f"/Users/{world.viewer.pk}")

    assert response.status_code == 204, response.content
    objective.refresh_from_db()
    assert objective.owner_id == world.admin.pk


def test_deactivating_the_tokens_own_admin_is_refused_naming_active(
    scim: Scim, world: World
) -> None:
    response = scim.patch(f"/Users/{world.admin.pk}", {"op": "replace", "value": {"active": False}})

    assert_scim_error(response, 400, "invalidValue", "active")
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_okta_renames_a_person_with_a_patch_of_name(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}",
        {"op": "replace", "value": {"name": {"givenName": "Veronika", "familyName": "Viewer"}}},
    )

    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Veronika Viewer"
    world.viewer.refresh_from_db()
    assert world.viewer.name == "Veronika Viewer"
    assert AuditEntry.objects.filter(action="person.updated", object_id=world.viewer.pk).exists()


def test_entra_renames_a_person_with_paths_of_name_parts(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}",
        {"op": "Replace", "path": "name.familyName", "value": "Vogel"},
        {"op": "Replace", "path": "title", "value": "Analyst"},
    )

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert world.viewer.name == "Vera Vogel"
    assert world.viewer.title == "Analyst"


def test_a_path_may_name_the_core_schema(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}",
        {"op": "replace", "path": f"{USER_SCHEMA}:displayName", "value": "Vera V."},
    )

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert world.viewer.name == "Vera V."


def test_put_replaces_name_title_and_external_id(scim: Scim, world: World) -> None:
    payload = okta_user("vera@acme.test", "Vera", "Viewer-Lang", title="Buyer", externalId="00uNEW")

    response = scim.put(f"/Users/{world.viewer.pk}", payload)

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert (world.viewer.name, world.viewer.title) == ("Vera Viewer-Lang", "Buyer")
    assert ExternalPerson.objects.get(person=world.viewer).external_id == "00uNEW"
    assert response.json()["externalId"] == "00uNEW"


def test_put_with_active_false_deactivates(scim: Scim, world: World) -> None:
    payload = okta_user("vera@acme.test", "Vera", "Viewer", active=False)

    response = scim.put(f"/Users/{world.viewer.pk}", payload)

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False


def test_put_without_active_leaves_a_deactivated_person_deactivated(
    scim: Scim, world: World
) -> None:
    scim.delete(f"/Users/{world.viewer.pk}")
    payload = okta_user("vera@acme.test", "Vera", "Viewer")
    del payload["active"]

    response = scim.put(f"/Users/{world.viewer.pk}", payload)

    assert response.status_code == 200, response.content
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active


def test_an_email_change_is_refused_as_immutable_naming_user_name(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Users/{world.viewer.pk}",
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "vera@new.test"},
    )

    assert_scim_error(response, 400, "mutability", "userName")
    world.viewer.user.refresh_from_db()
    assert world.viewer.user.email == "vera@acme.test"


def test_a_patch_is_made_whole_or_not_at_all(scim: Scim, world: World) -> None:
    before = AuditEntry.objects.count()

    response = scim.patch(
        f"/Users/{world.viewer.pk}",
        {"op": "replace", "path": "displayName", "value": "Vera Renamed"},
        {"op": "replace", "path": "active", "value": "maybe"},
    )

    assert_scim_error(response, 400, "invalidValue", "active")
    world.viewer.refresh_from_db()
    assert world.viewer.name == "Vera Viewer"
    assert AuditEntry.objects.count() == before


def test_a_patch_with_an_unknown_op_is_refused(scim: Scim, world: World) -> None:
    response = scim.patch(f"/Users/{world.viewer.pk}", {"op": "move", "path": "active"})

    assert_scim_error(response, 400, "invalidSyntax", "op")


def test_a_filter_by_user_name_finds_the_one_person(scim: Scim, world: World) -> None:
    response = scim.get("/Users", filter='userName eq "Eddie@Acme.test"')

    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    assert body["totalResults"] == 1
    assert [r["id"] for r in body["Resources"]] == [str(world.editor.pk)]
    assert body["Resources"][0]["groups"] == [
        {
            "value": str(world.sales.pk),
            "display": "Sales",
            "$ref": f"http://testserver/scim/v2/Groups/{world.sales.pk}",
        }
    ]


def test_a_filter_by_an_unknown_user_name_finds_nobody(scim: Scim) -> None:
    body = scim.get("/Users", filter='userName eq "nobody@acme.test"').json()

    assert body["totalResults"] == 0
    assert body["Resources"] == []


def test_a_filter_by_external_id_finds_the_provisioned_person(scim: Scim) -> None:
    created = scim.post("/Users", okta_user("isabel@acme.test", "Isabel", "Ing")).json()

    body = scim.get("/Users", filter='externalId eq "00u1abcd2EFGH3ijk4x7"').json()

    assert [r["id"] for r in body["Resources"]] == [created["id"]]


def test_a_filter_that_does_not_parse_is_refused_as_invalid(scim: Scim) -> None:
    response = scim.get("/Users", filter='userName eq "unterminated')

    assert_scim_error(response, 400, "invalidFilter", "filter")


def test_a_filter_on_an_attribute_not_kept_is_refused_rather_than_ignored(scim: Scim) -> None:
    response = scim.get("/Users", filter='nickName eq "x" or userName eq "eddie@acme.test"')

    assert_scim_error(response, 400, "invalidFilter", "filter")


def test_people_come_in_pages_by_start_index_and_count(scim: Scim, world: World) -> None:
    everyone = list(
        Person.objects.filter(workspace=world.acme).order_by("id").values_list("pk", flat=True)
    )

    body = scim.get("/Users", startIndex=2, count=2).json()

    assert body["totalResults"] == len(everyone) == 4
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    assert [r["id"] for r in body["Resources"]] == [str(pk) for pk in everyone[1:3]]
    last = scim.get("/Users", startIndex=4, count=10).json()
    assert [r["id"] for r in last["Resources"]] == [str(everyone[3])]


def test_a_count_that_is_no_number_is_refused_naming_it(scim: Scim) -> None:
    assert_scim_error(scim.get("/Users", count="ten"), 400, "invalidValue", "count")


def test_an_unknown_id_is_missing_in_the_error_shape(scim: Scim) -> None:
    assert_scim_error(scim.get("/Users/987654"), 404, None, "id")
    assert_scim_error(scim.get("/Users/not-a-number"), 404, None, "id")


def test_a_page_of_people_takes_a_bounded_number_of_queries(
    scim: Scim, world: World, django_assert_max_num_queries
) -> None:
    for n in range(15):
        person = add_person(
            actor=None, workspace=world.acme, email=f"p{n}@acme.test", name=f"P {n}"
        )
        add_member(actor=None, team=world.sales, person=person)
    invite_person(actor=world.admin, workspace=world.acme, email="later@elsewhere.test")
    scim.get("/Users")  # the token's last use is written once a minute

    # The token; people counted, read, their teams; pending invitations counted and read.
    with django_assert_max_num_queries(6):
        body = scim.get("/Users").json()

    assert body["itemsPerPage"] == 20
