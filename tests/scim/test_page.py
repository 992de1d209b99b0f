"""The provisioning page: admins create and revoke SCIM tokens."""

from __future__ import annotations

import re

from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.scim.models import ScimToken
from goalkeeper.scim.services import create_token, digest_of
from tests.conftest import World
from tests.scim.conftest import Scim, okta_user


def test_an_admin_creates_a_token_shown_once_and_kept_hashed(world: World) -> None:
    client = world.client_for(world.admin)

    response = client.post(reverse("scim_tokens"), {"name": "Okta"})

    assert response.status_code == 201
    html = response.content.decode()
    raw = re.search(r'data-testid="token-value">([^<]+)<', html)
    assert raw is not None
    token = ScimToken.objects.get()
    assert token.digest == digest_of(raw.group(1))
    assert raw.group(1) not in token.prefix
    assert 'data-testid="scim-base-url">http://testserver/scim/v2<' in html
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="scim_token.created").count() == 1
    assert raw.group(1) not in client.get(reverse("scim_tokens")).content.decode()
    works = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw.group(1)}")
    assert works.status_code == 200


def test_a_token_without_a_name_is_refused_naming_it(world: World) -> None:
    response = world.client_for(world.admin).post(reverse("scim_tokens"), {"name": "  "})

    assert response.status_code == 422
    assert not ScimToken.objects.exists()


def test_an_admin_revokes_a_token_and_the_identity_provider_is_refused(
    scim: Scim, world: World
) -> None:
    token = ScimToken.objects.get()

    response = world.client_for(world.admin).post(reverse("scim_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert scim.get("/Users").status_code == 401


def test_an_editor_cannot_open_the_page(world: World) -> None:
    assert world.client_for(world.editor).get(reverse("scim_tokens")).status_code == 403


def test_another_workspaces_admin_finds_the_token_missing(world: World) -> None:
    token, _raw = create_token(actor=world.admin, name="Okta")

    response = world.client_for(world.outsider).post(reverse("scim_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_audit_log_tells_of_provisioning(scim: Scim, world: World) -> None:
    scim.post("/Users", okta_user("isabel@acme.test", "Isabel", "Ing"))

    response = world.client_for(world.admin).get(reverse("admin_audit"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Okta" in html
    assert "Isabel Ing" in html
