"""Bad input is refused in SCIM's error shape, naming what is wrong; it never gives a 500."""

from __future__ import annotations

from typing import Any

import pytest

from goalkeeper.accounts.models import Membership
from tests.conftest import World
from tests.scim.conftest import GROUP_SCHEMA, PATCH_SCHEMA, Scim, assert_scim_error, okta_user

ODD_VALUES: list[Any] = [
    None,
    True,
    5,
    -1,
    10**30,
    1.5,
    "",
    "²",
    "٣",
    "9" * 40,
    "a\x00b",
    [],
    [5],
    ["²"],
    {},
    {"value": "²"},
    [{"value": 10**30}],
    [{"value": "²"}],
    [{"value": None}],
]


@pytest.mark.parametrize("odd", ODD_VALUES, ids=repr)
@pytest.mark.parametrize(
    "attribute",
    ["schemas", "userName", "emails", "name", "displayName", "title", "active", "externalId"],
)
def test_an_odd_value_for_a_user_attribute_never_gives_a_server_error(
    scim: Scim, world: World, attribute: str, odd: Any
) -> None:
    payload = okta_user("odd@acme.test", "Odd", "Value", **{attribute: odd})
    path = f"/Users/{world.editor.pk}"

    for response in (
        scim.post("/Users", payload),
        scim.put(path, payload),
        scim.patch(path, {"op": "replace", "path": attribute, "value": odd}),
        scim.patch(path, {"op": "add", "value": {attribute: odd}}),
        scim.send("PATCH", path, {"schemas": odd, "Operations": odd}),
    ):
        assert response.status_code < 500, response.content


@pytest.mark.parametrize("odd", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("attribute", ["schemas", "displayName", "members", "externalId"])
def test_an_odd_value_for_a_group_attribute_never_gives_a_server_error(
    scim: Scim, world: World, attribute: str, odd: Any
) -> None:
    payload = {"schemas": [GROUP_SCHEMA], "displayName": "Odd", attribute: odd}
    path = f"/Groups/{world.sales.pk}"

    for response in (
        scim.post("/Groups", payload),
        scim.put(path, payload),
        scim.patch(path, {"op": "add", "path": attribute, "value": odd}),
        scim.patch(path, {"op": "replace", "value": {attribute: odd}}),
        scim.patch(path, {"op": "remove", "path": f'members[value eq "{odd}"]'}),
    ):
        assert response.status_code < 500, response.content


ODD_IDS = ["²", "٣", "9" * 19, "9" * 40, "-1", "1.0", "invitation-²", "invitation-" + "9" * 30]


@pytest.mark.parametrize("scim_id", ODD_IDS)
@pytest.mark.parametrize("kind", ["Users", "Groups"])
def test_an_odd_id_in_the_path_is_missing(scim: Scim, kind: str, scim_id: str) -> None:
    assert_scim_error(scim.get(f"/{kind}/{scim_id}"), 404, None, "id")
    assert_scim_error(scim.delete(f"/{kind}/{scim_id}"), 404, None, "id")


@pytest.mark.parametrize("member", ["²", "9" * 19, 10**30, "invitation-1", None, True])
def test_an_odd_member_is_refused_naming_members(scim: Scim, world: World, member: Any) -> None:
    response = scim.patch(
        f"/Groups/{world.sales.pk}", {"op": "add", "path": "members", "value": [{"value": member}]}
    )

    assert_scim_error(response, 400, "invalidValue", "members")


def test_more_members_than_a_request_may_name_are_refused(scim: Scim, world: World) -> None:
    many = [{"value": str(n)} for n in range(1, 40_002)]
    before = Membership.objects.filter(team=world.sales).count()

    response = scim.patch(
        f"/Groups/{world.sales.pk}", {"op": "add", "path": "members", "value": many}
    )

    assert_scim_error(response, 400, "tooMany", "members")
    assert Membership.objects.filter(team=world.sales).count() == before


def test_members_are_counted_across_a_requests_operations(scim: Scim, world: World) -> None:
    operation = {"op": "remove", "path": "members", "value": [{"value": str(world.editor.pk)}]}

    response = scim.send(
        "PATCH",
        f"/Groups/{world.sales.pk}",
        {"schemas": [PATCH_SCHEMA], "Operations": [operation] * 1001},
    )

    assert_scim_error(response, 400, "tooMany", "members")


@pytest.mark.parametrize("schemas", [5, "urn:x", [5], {"a": 1}])
def test_schemas_that_are_not_a_list_of_strings_are_refused_naming_them(
    scim: Scim, world: World, schemas: Any
) -> None:
    user = okta_user("s@acme.test", "S", "S", schemas=schemas)
    patch = {"schemas": schemas, "Operations": [{"op": "replace", "path": "title", "value": "T"}]}

    assert_scim_error(scim.post("/Users", user), 400, "invalidSyntax", "schemas")
    assert_scim_error(
        scim.send("PATCH", f"/Users/{world.editor.pk}", patch), 400, "invalidSyntax", "schemas"
    )
    group = {"schemas": schemas, "displayName": "S"}
    assert_scim_error(scim.post("/Groups", group), 400, "invalidSyntax", "schemas")


@pytest.mark.parametrize("kind", ["Users", "Groups"])
@pytest.mark.parametrize("start", ["9" * 19, "9" * 30, "1000000000000"])
def test_a_start_index_past_the_end_answers_an_empty_page(
    scim: Scim, kind: str, start: str
) -> None:
    response = scim.get(f"/{kind}", startIndex=start, count="9" * 25)

    assert response.status_code == 200, response.content
    assert response.json()["Resources"] == []
    assert response.json()["totalResults"] > 0


@pytest.mark.parametrize("name", ["startIndex", "count"])
@pytest.mark.parametrize("raw", ["²", "٣", "1.5", "1e3", "9" * 40, "ten"])
def test_paging_that_is_no_whole_number_is_refused_naming_it(
    scim: Scim, name: str, raw: str
) -> None:
    assert_scim_error(scim.get("/Users", **{name: raw}), 400, "invalidValue", name)


@pytest.mark.parametrize(
    "expression",
    ['active eq "x"', "active gt 1", 'userName eq "a\x00"', 'displayName eq "²"', "active eq 10"],
)
def test_an_odd_filter_never_gives_a_server_error(scim: Scim, expression: str) -> None:
    response = scim.get("/Users", filter=expression)

    assert response.status_code in (200, 400), response.content
