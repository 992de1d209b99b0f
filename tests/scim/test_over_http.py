"""An identity provider's round over real HTTP: a live server, httpx, Okta's requests."""

from __future__ import annotations

import httpx
import pytest
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.scim.services import create_token
from tests.conftest import build_world
from tests.scim.conftest import GROUP_SCHEMA, PATCH_SCHEMA, okta_user


@pytest.mark.django_db(transaction=True)
def test_okta_provisions_a_joiner_and_a_leaver_over_http(live_server: LiveServer) -> None:
    world = build_world()
    _token, raw = create_token(actor=world.admin, name="Okta")
    headers = {"Authorization": f"Bearer {raw}", "Accept": "application/scim+json"}

    with httpx.Client(base_url=f"{live_server.url}/scim/v2", headers=headers) as okta:
        # Okta looks the person up first, then creates them.
        found = okta.get("/Users", params={"filter": 'userName eq "nina@acme.test"'})
        assert found.status_code == 200
        assert found.headers["content-type"] == "application/scim+json"
        assert found.json()["totalResults"] == 0
        created = okta.post("/Users", json=okta_user("nina@acme.test", "Nina", "New"))
        assert created.status_code == 201
        nina = created.json()["id"]

        group = okta.post(
            "/Groups",
            json={"schemas": [GROUP_SCHEMA], "displayName": "Platform", "members": []},
        )
        assert group.status_code == 201
        added = okta.patch(
            f"/Groups/{group.json()['id']}",
            json={
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": nina}]}],
            },
        )
        assert added.status_code == 200

        left = okta.patch(
            f"/Users/{nina}",
            json={
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "replace", "value": {"active": False}}],
            },
        )
        assert left.status_code == 200
        assert left.json()["active"] is False

    person = Person.objects.get(pk=int(nina))
    assert not person.is_active
    platform = Team.objects.get(workspace=world.acme, name="Platform")
    assert Membership.objects.filter(team=platform, person=person).exists()
