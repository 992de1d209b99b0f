"""CSRF: every form route refuses a POST without the token, and every form carries one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from tests.conftest import World
from tests.security.conftest import MatrixIds
from tests.security.routes import (
    ALLOWED,
    ROUTES,
    FoundRoute,
    active_routes,
    build_url,
    write_methods,
)

# Routes that take a POST without a session's CSRF token, each for a reason.
CSRF_EXEMPT = {
    # A mail client's one-click unsubscribe (RFC 8058) POSTs from outside any session: the
    # signed token in the link is the credential (tests/notifications/test_pages.py).
    "unsubscribe",
}
FORM_ROUTES = [
    found
    for found, spec in active_routes()
    if spec.kind == "page" and spec.write and found.key not in CSRF_EXEMPT
]
PAGES = [found for found, spec in active_routes() if spec.kind == "page" and spec.read]


def ids_of(ids: MatrixIds) -> dict[str, Any]:
    """Acme's ids as its admin (who signs in below) uses them."""
    return ids.acme_for("admin")


def strict_client(world: World, role: str) -> Client:
    """A client that checks CSRF as a browser session would, signed in as someone allowed."""
    client = Client(enforce_csrf_checks=True)
    if "anonymous" not in ALLOWED[role]:
        client.force_login(world.admin.user)
    return client


@pytest.mark.parametrize("found", FORM_ROUTES, ids=[f.key for f in FORM_ROUTES])
def test_a_post_without_the_csrf_token_is_refused(
    found: FoundRoute, world: World, ids: MatrixIds
) -> None:
    spec = ROUTES[found.key]
    acme = ids_of(ids)
    client = strict_client(world, spec.write or "admin")
    before = AuditEntry.objects.count()

    for method in write_methods(found, spec):
        data = spec.data(acme) if spec.data else {}
        response = client.generic(
            method,
            build_url(found, spec, acme),
            "&".join(f"{k}={v}" for k, v in data.items()),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 403, f"{method} {found.key}: {response.status_code}"
        assert "CSRF" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_the_same_post_with_the_token_goes_through(world: World) -> None:
    """The control: the refusal above is CSRF's, not something else's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin.user)
    page = client.get(reverse("admin_teams"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token

    response = client.post(
        reverse("admin_teams"),
        {"csrfmiddlewaretoken": token.group(1), "name": "Ops", "parent": world.company.pk},
    )

    assert response.status_code == 302


@pytest.mark.parametrize("found", PAGES, ids=[f.key for f in PAGES])
def test_every_post_form_on_a_page_carries_the_token(
    found: FoundRoute, world: World, ids: MatrixIds
) -> None:
    spec = ROUTES[found.key]
    response = world.client_for(world.admin).get(build_url(found, spec, ids_of(ids)))
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S | re.I):
        opening = form[: form.index(">") + 1].lower()
        if 'method="post"' in opening:
            assert "csrfmiddlewaretoken" in form, f"{found.key}: {opening}"
    # htmx requests carry the token in a header set on <body>.
    if "<body" in html and "htmx" in html:
        assert 'hx-headers=\'{"X-CSRFToken": "' in html
