"""Single sign-on in Chromium, against a real OpenID provider running beside the app."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import Person, Role, User
from goalkeeper.accounts.services import add_person
from goalkeeper.sso import services
from goalkeeper.sso.models import Identity, Provider
from tests.browser.conftest import log_in
from tests.conftest import World
from tests.sso.provider_fixture import LocalProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _provider_on_this_machine(allow_local_outbound: None) -> None:
    """The test provider listens on 127.0.0.1, which the outbound policy refuses by default."""


def _configure(world: World, oidc_provider: LocalProvider) -> Provider:
    return services.save_provider(
        actor=world.admin,
        workspace=world.acme,
        settings=services.ProviderSettings(
            enabled=True,
            issuer=oidc_provider.issuer,
            client_id=oidc_provider.client_id,
            client_secret=oidc_provider.client_secret,
            allowed_domains="acme.test",
            default_role=Role.VIEWER,
        ),
    )


def _start(page: Page, base_url: str, typed: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.get_by_label("Work email or workspace").fill(typed)
    page.get_by_role("button", name="Continue").click()


def _sign_in_at_provider(page: Page, oidc_provider: LocalProvider, username: str) -> None:
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer.rsplit("/", 1)[0])))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(oidc_provider.password)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_a_first_sign_in_creates_a_person_with_the_default_role(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)
    _start(page, live_server.url, "nora@acme.test")
    _sign_in_at_provider(page, oidc_provider, "nora@acme.test")
    page.wait_for_url(f"{live_server.url}/", timeout=30_000)
    person = Person.objects.select_related("user").get(user__email="nora@acme.test")
    assert (person.workspace_id, person.role, person.name) == (
        world.acme.pk,
        Role.VIEWER,
        "Nora New",
    )
    assert not person.user.has_usable_password()
    expect(page.get_by_role("link", name="Goalkeeper Acme")).to_be_visible()


def test_a_second_sign_in_reuses_the_account(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)
    _start(page, live_server.url, "nora@acme.test")
    _sign_in_at_provider(page, oidc_provider, "nora@acme.test")
    page.wait_for_url(f"{live_server.url}/", timeout=30_000)
    # Logged out of Goalkeeper only: the provider remembers Nora and sends her straight back.
    page.context.clear_cookies(domain=urlsplit(live_server.url).hostname)
    _start(page, live_server.url, "nora@acme.test")
    page.wait_for_url(f"{live_server.url}/", timeout=30_000)
    expect(page.get_by_role("link", name="Goalkeeper Acme")).to_be_visible()
    assert User.objects.filter(email="nora@acme.test").count() == 1
    assert Person.objects.filter(user__email="nora@acme.test").count() == 1
    assert Identity.objects.filter(user__email="nora@acme.test").count() == 1


def test_an_existing_person_with_a_verified_email_keeps_their_account_and_role(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)
    _start(page, live_server.url, "eddie@acme.test")
    _sign_in_at_provider(page, oidc_provider, "eddie@acme.test")
    page.wait_for_url(f"{live_server.url}/", timeout=30_000)
    world.editor.refresh_from_db()
    assert world.editor.role == Role.EDITOR
    assert Identity.objects.get().user_id == world.editor.user_id


def test_a_single_sign_on_session_stays_in_the_provider_s_workspace(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie",
        role=Role.ADMIN,
        existing_login=True,
    )
    _configure(world, oidc_provider)
    _start(page, live_server.url, "eddie@acme.test")
    _sign_in_at_provider(page, oidc_provider, "eddie@acme.test")
    page.wait_for_url(f"{live_server.url}/", timeout=30_000)
    expect(page.get_by_test_id("workspace-sso-only")).to_have_text(
        "Signed in with single sign-on of Acme; sign in with your password to reach your "
        "other workspaces."
    )
    expect(page.get_by_test_id("workspace-switcher")).to_have_count(0)
    answer = page.request.post(
        f"{live_server.url}/workspace/switch/",
        form={"workspace": str(world.globex.pk)},
        headers={"X-CSRFToken": _csrf(page), "Referer": f"{live_server.url}/"},
    )
    assert answer.status == 404
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Goalkeeper Acme")).to_be_visible()


def _csrf(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_an_email_of_a_domain_not_allowed_is_refused_before_the_provider(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)
    _start(page, live_server.url, "olga@other.test")
    expect(page.get_by_test_id("sso-error")).to_contain_text(
        "No workspace lets people of other.test sign in with single sign-on"
    )


def test_a_provider_account_of_a_domain_not_allowed_is_refused(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)
    _start(page, live_server.url, world.acme.slug)
    _sign_in_at_provider(page, oidc_provider, "olga@other.test")
    expect(page.get_by_test_id("sso-refused")).to_contain_text(
        "other.test is not among the email domains Acme lets in", timeout=30_000
    )
    assert not User.objects.filter(email="olga@other.test").exists()


def test_a_tampered_state_is_refused(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    _configure(world, oidc_provider)

    def tamper(route: Route) -> None:
        parts = urlsplit(route.request.url)
        query = dict(parse_qsl(parts.query))
        query["state"] = "forged-" + query.get("state", "")
        route.continue_(url=parts._replace(query=urlencode(query)).geturl())

    page.route(re.compile(r".*/openid/authorize.*"), tamper)
    _start(page, live_server.url, "nora@acme.test")
    _sign_in_at_provider(page, oidc_provider, "nora@acme.test")
    expect(page.get_by_test_id("sso-refused")).to_contain_text(
        "could not be verified", timeout=30_000
    )
    assert not User.objects.filter(email="nora@acme.test").exists()


def test_an_admin_sets_up_and_tests_the_provider(
    page: Page, live_server: LiveServer, world: World, oidc_provider: LocalProvider
) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/admin/sso/")
    expect(page.get_by_test_id("sso-redirect-uri")).to_have_text(
        f"{live_server.url}/login/sso/callback/"
    )
    page.get_by_label("Issuer").fill(oidc_provider.issuer)
    page.get_by_label("Client ID").fill(oidc_provider.client_id)
    page.get_by_label("Client secret").fill(oidc_provider.client_secret)
    page.get_by_label("Allowed email domains").fill("acme.test")
    page.get_by_label("Single sign-on is on").check()
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.get_by_text("Saved the single sign-on settings.")).to_be_visible()
    assert oidc_provider.client_secret not in page.content()
    page.get_by_role("button", name="Test the provider").click()
    expect(page.get_by_text("The provider answered")).to_be_visible(timeout=30_000)
    provider = Provider.objects.get(workspace=world.acme)
    assert (provider.enabled, provider.default_role) == (True, Role.VIEWER)
