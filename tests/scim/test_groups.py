"""Teams provisioned as SCIM Groups: create, rename, members in and out, archive, find."""

from __future__ import annotations

from goalkeeper.accounts.models import Membership, Team
from goalkeeper.accounts.services import add_person, archive_team, create_team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.scim.models import ExternalTeam
from tests.conftest import World
from tests.scim.conftest import GROUP_SCHEMA, Scim, assert_scim_error


def _members(team: Team) -> set[int]:
    return set(Membership.objects.filter(team=team).values_list("person_id", flat=True))


def _okta_group(name: str, *people: int) -> dict[str, object]:
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "externalId": "00g1emaKYZTWRYYRRTSK",
        "members": [{"value": str(pk), "display": "someone"} for pk in people],
    }


def test_a_group_becomes_a_team_under_the_company_with_its_members(
    scim: Scim, world: World
) -> None:
    response = scim.post("/Groups", _okta_group("Platform", world.editor.pk, world.viewer.pk))

    assert response.status_code == 201, response.content
    team = Team.objects.get(workspace=world.acme, name="Platform")
    assert team.parent_id == world.company.pk
    assert _members(team) == {world.editor.pk, world.viewer.pk}
    body = response.json()
    assert body["id"] == str(team.pk)
    assert response["Location"] == f"http://testserver/scim/v2/Groups/{team.pk}"
    assert {m["value"] for m in body["members"]} == {str(world.editor.pk), str(world.viewer.pk)}
    assert body["externalId"] == "00g1emaKYZTWRYYRRTSK"
    assert ExternalTeam.objects.get(team=team).external_id == "00g1emaKYZTWRYYRRTSK"
    assert AuditEntry.objects.filter(action="team.created", object_id=team.pk).exists()
    # The editor keeps leading Sales: joining a team leaves their other teams as they were.
    assert Membership.objects.get(team=world.sales, person=world.editor).is_lead


def test_a_group_name_already_taken_is_refused_as_not_unique(scim: Scim) -> None:
    assert_scim_error(scim.post("/Groups", _okta_group("sales")), 409, "uniqueness", "displayName")


def test_a_group_without_a_name_is_refused_naming_it(scim: Scim) -> None:
    assert_scim_error(scim.post("/Groups", _okta_group("")), 400, "invalidValue", "displayName")


def test_a_member_of_another_workspace_is_refused_naming_members(scim: Scim, world: World) -> None:
    response = scim.post("/Groups", _okta_group("Platform", world.outsider.pk))

    assert_scim_error(response, 400, "invalidValue", "members")
    assert not Team.objects.filter(name="Platform").exists()


def test_okta_renames_a_group(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Groups/{world.sales.pk}",
        {"op": "replace", "value": {"id": str(world.sales.pk), "displayName": "Revenue"}},
    )

    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Revenue"
    world.sales.refresh_from_db()
    assert world.sales.name == "Revenue"
    assert AuditEntry.objects.filter(action="team.renamed", object_id=world.sales.pk).exists()


def test_entra_renames_a_group_by_path(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Groups/{world.sales.pk}", {"op": "Replace", "path": "displayName", "value": "Deals"}
    )

    assert response.status_code == 200, response.content
    world.sales.refresh_from_db()
    assert world.sales.name == "Deals"


def test_entra_adds_and_removes_members_with_value_lists(scim: Scim, world: World) -> None:
    added = scim.patch(
        f"/Groups/{world.sales.pk}",
        {"op": "Add", "path": "members", "value": [{"value": str(world.viewer.pk)}]},
    )
    assert added.status_code == 200, added.content
    assert _members(world.sales) == {world.editor.pk, world.viewer.pk}

    removed = scim.patch(
        f"/Groups/{world.sales.pk}",
        {"op": "Remove", "path": "members", "value": [{"value": str(world.editor.pk)}]},
    )

    assert removed.status_code == 200, removed.content
    assert _members(world.sales) == {world.viewer.pk}
    assert [m["value"] for m in removed.json()["members"]] == [str(world.viewer.pk)]
    changed = AuditEntry.objects.filter(action="person.teams_changed")
    assert {entry.object_id for entry in changed} == {world.viewer.pk, world.editor.pk}


def test_okta_removes_a_member_by_a_value_filter_path(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Groups/{world.sales.pk}",
        {"op": "remove", "path": f'members[value eq "{world.editor.pk}"]'},
    )

    assert response.status_code == 200, response.content
    assert _members(world.sales) == set()


def test_adding_someone_already_in_changes_nothing(scim: Scim, world: World) -> None:
    before = AuditEntry.objects.count()

    response = scim.patch(
        f"/Groups/{world.sales.pk}",
        {"op": "add", "path": "members", "value": [{"value": str(world.editor.pk)}]},
    )

    assert response.status_code == 200, response.content
    assert AuditEntry.objects.count() == before


def test_put_replaces_the_name_and_the_members(scim: Scim, world: World) -> None:
    response = scim.put(f"/Groups/{world.sales.pk}", _okta_group("Sales EMEA", world.viewer.pk))

    assert response.status_code == 200, response.content
    world.sales.refresh_from_db()
    assert world.sales.name == "Sales EMEA"
    assert _members(world.sales) == {world.viewer.pk}


def test_an_unknown_path_of_a_group_is_refused_naming_it(scim: Scim, world: World) -> None:
    response = scim.patch(
        f"/Groups/{world.sales.pk}", {"op": "replace", "path": "owner", "value": "x"}
    )

    assert_scim_error(response, 400, "invalidPath", "path")


def test_delete_archives_the_team_and_it_is_no_group_any_more(scim: Scim, world: World) -> None:
    response = scim.delete(f"/Groups/{world.sales.pk}")

    assert response.status_code == 204
    world.sales.refresh_from_db()
    assert world.sales.archived_at is not None
    assert AuditEntry.objects.filter(action="team.archived", object_id=world.sales.pk).exists()
    assert_scim_error(scim.get(f"/Groups/{world.sales.pk}"), 404, None, "id")


def test_a_team_with_live_sub_teams_is_not_archived(scim: Scim, world: World) -> None:
    create_team(actor=world.admin, workspace=world.acme, name="Inside sales", parent=world.sales)

    assert_scim_error(scim.delete(f"/Groups/{world.sales.pk}"), 409, "mutability", "id")


def test_the_company_root_and_archived_teams_are_no_groups(scim: Scim, world: World) -> None:
    old = Team.objects.create(workspace=world.acme, parent=world.company, name="Old", slug="old")
    archive_team(actor=world.admin, team=old)

    body = scim.get("/Groups").json()

    assert [r["id"] for r in body["Resources"]] == [str(world.sales.pk)]
    assert_scim_error(scim.get(f"/Groups/{world.company.pk}"), 404, None, "id")


def test_a_filter_by_display_name_finds_the_group(scim: Scim, world: World) -> None:
    scim.post("/Groups", _okta_group("Platform"))

    body = scim.get("/Groups", filter='displayName eq "sales"').json()

    assert body["totalResults"] == 1
    assert body["Resources"][0]["displayName"] == "Sales"


def test_groups_can_be_read_without_their_members(scim: Scim, world: World) -> None:
    body = scim.get("/Groups", excludedAttributes="members").json()

    assert "members" not in body["Resources"][0]


def test_a_page_of_groups_takes_a_bounded_number_of_queries(
    scim: Scim, world: World, django_assert_max_num_queries
) -> None:
    for n in range(10):
        person = add_person(actor=None, workspace=world.acme, email=f"g{n}@acme.test", name="G")
        scim.post("/Groups", _okta_group(f"Team {n}", person.pk, world.editor.pk))

    with django_assert_max_num_queries(4):
        body = scim.get("/Groups").json()

    assert body["itemsPerPage"] == 11
