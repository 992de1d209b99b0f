"""SCIM requests as identity providers send them, over the Django test client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from goalkeeper.accounts.models import Person
from goalkeeper.scim.services import create_token
from tests.conftest import World

BASE = "/scim/v2"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


@dataclass
class Scim:
    """An identity provider holding one SCIM token."""

    raw: str
    client: Client

    def send(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method,
            BASE + path,
            data,
            content_type="application/scim+json",
            HTTP_AUTHORIZATION=f"Bearer {self.raw}",
            HTTP_ACCEPT="application/scim+json",
            **extra,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def post(self, path: str, body: Any) -> Any:
        return self.send("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.send("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Any:
        return self.send("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": list(operations)})

    def delete(self, path: str) -> Any:
        return self.send("DELETE", path)


def scim_for(admin: Person) -> Scim:
    _token, raw = create_token(actor=admin, name="Okta")
    return Scim(raw=raw, client=Client())


@pytest.fixture
def scim(world: World) -> Scim:
    """Acme's identity provider, with a token made by Acme's admin."""
    return scim_for(world.admin)


def okta_user(email: str, given: str, family: str, **extra: Any) -> dict[str, Any]:
    """A user as Okta creates it (POST /Users)."""
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": "00u1abcd2EFGH3ijk4x7",
        "groups": [],
        "password": "never-kept-1",
        "active": True,
        **extra,
    }


def entra_user(upn: str, given: str, family: str, **extra: Any) -> dict[str, Any]:
    """A user as Microsoft Entra ID creates it."""
    return {
        "schemas": [
            USER_SCHEMA,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": upn,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": upn}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{given} {family}", "familyName": family, "givenName": given},
        "roles": [],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"},
        **extra,
    }


def assert_scim_error(
    response: Any, status: int, scim_type: str | None, attribute: str
) -> dict[str, Any]:
    """The answer is SCIM's error shape, with this status and scimType, naming `attribute`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body: dict[str, Any] = response.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body["detail"].startswith(f"{attribute}:"), body["detail"]
    return body
