"""Single sign-on's pages, without a browser: the settings page and the refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from pytest_httpserver import HTTPServer

from goalkeeper.accounts.models import Role
from goalkeeper.sso import services, views
from goalkeeper.sso.models import Provider
from tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "s3cret-of-the-client"


def _provider(world: World, issuer: str = "https://login.acme.test/realms/acme") -> Provider:
    return services.save_provider(
        actor=world.admin,
        workspace=world.acme,
        settings=services.ProviderSettings(
            enabled=True,
            issuer=issuer,
            client_id="goalkeeper",
            client_secret=SECRET,
            allowed_domains="acme.test",
            default_role=Role.VIEWER,
        ),
    )


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_settings_page_never_shows_the_secret(
    world: World, django_assert_max_num_queries: Any
) -> None:
    _provider(world)
    client = world.client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/sso/")
    text = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in text
    assert "A secret is kept" in text
    assert "http://testserver/login/sso/callback/" in text


def test_saving_the_settings_names_the_wrong_field(world: World) -> None:
    client = world.client_for(world.admin)
    response = client.post(
        "/admin/sso/",
        {"enabled": "on", "issuer": "ftp://x", "client_id": "gk", "default_role": "viewer"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "enter the issuer&#x27;s address" in text
    assert "required to turn single sign-on on" in text
    assert not Provider.objects.exists()


def test_saving_the_settings_from_the_page(world: World) -> None:
    client = world.client_for(world.admin)
    response = client.post(
        "/admin/sso/",
        {
            "enabled": "on",
            "issuer": "https://login.acme.test",
            "client_id": "gk",
            "client_secret": SECRET,
            "allowed_domains": "acme.test",
            "default_role": "editor",
        },
    )
    assert response.status_code == 302
    provider = Provider.objects.get(workspace=world.acme)
    assert (provider.client_id, provider.default_role, provider.has_secret) == (
        "gk",
        "editor",
        True,
    )


def test_an_email_of_no_workspace_is_told_on_the_start_page(world: World) -> None:
    _provider(world)
    response = Client().post("/login/sso/", {"email": "olga@other.test"})
    assert response.status_code == 400
    assert "No workspace lets people of other.test sign in" in response.content.decode()


def test_an_unknown_workspace_name_is_told_on_the_start_page(world: World) -> None:
    response = Client().post("/login/sso/", {"email": "initech"})
    assert response.status_code == 400
    assert "No workspace with single sign-on is called initech" in response.content.decode()


def test_a_provider_that_does_not_answer_is_told_on_the_start_page_without_details(
    world: World, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/openid/.well-known/openid-configuration").respond_with_data(
        "gone", status=404
    )
    _provider(world, issuer=httpserver.url_for("/openid"))
    response = Client().post("/login/sso/", {"email": "nora@acme.test"})
    assert response.status_code == 502
    page = response.content.decode()
    assert "Single sign-on is not available right now; ask your administrator." in page
    assert "answered HTTP 404" not in page
    assert str(httpserver.port) not in page
    assert "answered HTTP 404" in caplog.text


def test_an_unreadable_client_secret_is_not_told_on_the_start_page(
    world: World, httpserver: HTTPServer
) -> None:
    issuer = httpserver.url_for("/openid")
    httpserver.expect_request("/openid/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
        }
    )
    provider = _provider(world, issuer=issuer)
    Provider.objects.filter(pk=provider.pk).update(sealed_secret="not sealed")
    response = Client().post("/login/sso/", {"email": "nora@acme.test"})
    assert response.status_code == 502
    page = response.content.decode()
    assert "Single sign-on is not available right now" in page
    assert "decrypt" not in page


def test_a_callback_not_started_here_is_refused(world: World) -> None:
    _provider(world)
    response = Client().get("/login/sso/callback/?code=abc&state=xyz")
    assert response.status_code == 400
    assert "was not started here" in response.content.decode()


def test_testing_a_provider_that_names_another_issuer_fails(
    world: World, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/openid/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": "https://evil.test",
            "authorization_endpoint": "https://evil.test/authorize",
            "token_endpoint": "https://evil.test/token",
            "jwks_uri": "https://evil.test/jwks",
        }
    )
    _provider(world, issuer=httpserver.url_for("/openid"))
    response = world.client_for(world.admin).post("/admin/sso/test/")
    assert response.status_code == 302
    assert _messages(response) == [
        "The test failed: the discovery document names the issuer https://evil.test, not "
        + httpserver.url_for("/openid")
    ]


def test_the_login_page_offers_single_sign_on() -> None:
    response = Client().get("/login/")
    assert 'href="/login/sso/"' in response.content.decode()


class _App:
    """Stands in for Authlib's client: only its user info answer matters here."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info

    def userinfo(self, token: dict[str, Any]) -> dict[str, Any]:
        return self.info


def test_the_email_comes_from_user_info_when_the_id_token_lacks_it() -> None:
    token = {"userinfo": {"sub": "42"}}
    app = _App({"sub": "42", "email": "nora@acme.test", "email_verified": True})
    claims = views._claims(app, token, {"userinfo_endpoint": "https://login.acme.test/me"})
    assert claims == {"sub": "42", "email": "nora@acme.test", "email_verified": True}


def test_user_info_about_another_subject_is_ignored() -> None:
    token = {"userinfo": {"sub": "42"}}
    app = _App({"sub": "43", "email": "eve@acme.test"})
    claims = views._claims(app, token, {"userinfo_endpoint": "https://login.acme.test/me"})
    assert claims == {"sub": "42"}
