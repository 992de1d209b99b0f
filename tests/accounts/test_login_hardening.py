"""Logging in under attack: device cookies, parallel guesses, IPv6 networks, hashed keys,
consent when adding an existing login, and logins without a password."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts.forms import WorkspaceLoginForm
from goalkeeper.accounts.models import Attempt, Person, User
from goalkeeper.accounts.services import add_person, compound, invite_person
from goalkeeper.accounts.services.compound import add_person_with_teams
from tests.conftest import PASSWORD, World

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def log_in(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def spray(email: str, addresses: int) -> None:
    """One wrong password from each of `addresses` addresses: the account-wide count."""
    for n in range(addresses):
        log_in(Client(), email, "wrong", f"198.51.100.{n}")


# --- Device cookies ------------------------------------------------------------------------


def test_a_browser_that_signed_in_before_is_not_kept_out_by_the_account_wide_wait(
    world: World, client: Client, settings
):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 5
    with time_machine.travel(START, tick=False):
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302
        assert ratelimit.DEVICE_COOKIE in client.cookies
        cookie = client.cookies[ratelimit.DEVICE_COOKIE]
        assert cookie["httponly"]
        client.post(reverse("logout"))
        spray("ada@acme.test", 8)

        stranger = log_in(Client(), "ada@acme.test", PASSWORD, "203.0.113.9")
        owner = log_in(client, "ada@acme.test", PASSWORD, "203.0.113.10")

    assert stranger.status_code == 429
    assert int(stranger["Retry-After"]) > 0
    assert owner.status_code == 302


def test_a_known_browser_still_waits_after_its_own_failures(world: World, client: Client, settings):
    with time_machine.travel(START, tick=False):
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302
        client.post(reverse("logout"))
        for _ in range(3):
            assert log_in(client, "ada@acme.test", "wrong", "203.0.113.1").status_code == 200
        # Its own count follows the browser, whichever address it comes from.
        refused = log_in(client, "ada@acme.test", PASSWORD, "203.0.113.2")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "2"


FORGED = {
    "another-account": lambda: signing.dumps(
        {"a": ratelimit.digest("eddie@acme.test"), "d": "x"}, salt="goalkeeper.accounts.device"
    ),
    "another-salt": lambda: signing.dumps(
        {"a": ratelimit.digest("ada@acme.test"), "d": "x"}, salt="another.salt"
    ),
    "garbage": lambda: "not-a-signed-value",
}


@pytest.mark.parametrize("forged", sorted(FORGED))
def test_a_device_cookie_of_another_account_or_forged_does_not_skip_the_wait(
    world: World, settings, forged: str
):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 5
    with time_machine.travel(START, tick=False):
        spray("ada@acme.test", 8)
        client = Client()
        client.cookies[ratelimit.DEVICE_COOKIE] = FORGED[forged]()
        refused = log_in(client, "ada@acme.test", PASSWORD, "203.0.113.9")

    assert refused.status_code == 429


# --- Parallel guesses ----------------------------------------------------------------------


def test_guesses_sent_in_parallel_get_no_more_than_the_free_failures(world: World, monkeypatch):
    """Each guess's password check starts the next request before it finishes, as parallel
    requests would: only the three free failures reach a password check."""
    checked: list[int] = []
    responses: list[int] = []
    original = WorkspaceLoginForm.clean

    def slow_clean(form: WorkspaceLoginForm):
        checked.append(1)
        if len(responses) + len(checked) < 12:
            responses.append(log_in(Client(), "ada@acme.test", "wrong").status_code)
        return original(form)

    monkeypatch.setattr(WorkspaceLoginForm, "clean", slow_clean)
    with time_machine.travel(START, tick=False):
        first = log_in(Client(), "ada@acme.test", "wrong").status_code

    assert len(checked) == 3
    assert sorted([first, *responses]).count(429) >= 1
    assert Attempt.objects.filter(scope="login-pair").count() == 3


def test_a_right_password_takes_its_counted_attempt_back(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        assert log_in(client, "ada@acme.test", "wrong").status_code == 200
        assert Attempt.objects.filter(scope="login-account").count() == 1
        client2 = Client()
        assert log_in(client2, "ada@acme.test", PASSWORD, "10.0.0.2").status_code == 302

    assert Attempt.objects.filter(scope="login-account").count() == 1


# --- Addresses and keys --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("192.0.2.7", "192.0.2.7"),
    ],
)
def test_ipv6_addresses_count_by_their_64_network(remote: str, expected: str):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)

    assert ratelimit.client_address(request) == expected


def test_a_guesser_hopping_addresses_inside_one_ipv6_network_still_waits(
    world: World, client: Client
):
    with time_machine.travel(START, tick=False):
        for n in range(3):
            log_in(Client(), "ada@acme.test", "wrong", f"2001:db8::{n + 1}")
        refused = log_in(Client(), "ada@acme.test", "wrong", "2001:db8::99")

    assert refused.status_code == 429


def test_a_long_email_keeps_a_separate_pair_count_per_address():
    email = f"{'a' * 240}@example.test"  # 253 characters, as long as emails get

    assert ratelimit.pair_key(email, "10.0.0.1") != ratelimit.pair_key(email, "10.0.0.2")
    assert len(ratelimit.pair_key(email, "x" * 300)) <= 254


# --- Consent: an existing login is not attached unasked ------------------------------------


def test_adding_an_email_that_has_a_login_is_refused_without_consent(world: World):
    with pytest.raises(ValidationError) as error:
        add_person(actor=world.admin, workspace=world.globex, email="Ada@acme.test", name="A")

    assert "email" in error.value.message_dict
    assert not Person.objects.filter(workspace=world.globex, user__email="ada@acme.test").exists()


def test_a_login_created_after_the_compound_check_is_refused_not_attached(
    world: World, monkeypatch
):
    # The login of ada@acme.test "appears" between the check and the write.
    monkeypatch.setattr(compound, "_login_of", lambda email: None)

    with pytest.raises(ValidationError):
        add_person_with_teams(
            actor=world.outsider, workspace=world.globex, email="ada@acme.test", name="Ada"
        )

    assert not Person.objects.filter(workspace=world.globex, user__email="ada@acme.test").exists()


# --- A login without a password accepts an invitation ---------------------------------------


def test_a_login_without_a_password_gets_a_reset_email(world: World, client: Client, mailoutbox):
    add_person(actor=None, workspace=world.globex, email="sam@example.test", name="Sam")

    response = client.post(reverse("password_reset"), {"email": "sam@example.test"})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["sam@example.test"]]


def test_the_invitation_page_offers_a_password_by_email_to_a_login_without_one(
    world: World, client: Client
):
    add_person(actor=None, workspace=world.globex, email="sam@example.test", name="Sam")
    _invitation, token = invite_person(
        actor=world.admin, workspace=world.acme, email="sam@example.test", name="Sam"
    )
    path = reverse("invite_accept", args=[token])

    page = client.get(path).content.decode()
    posted = client.post(path, {"password": ""})

    assert 'data-testid="set-password"' in page
    assert reverse("password_reset") in page
    assert 'data-testid="sso-accept"' not in page
    assert posted.status_code == 400
    assert not Person.objects.filter(workspace=world.acme, user__email="sam@example.test").exists()
    assert User.objects.get(email="sam@example.test").has_usable_password() is False


def test_the_invitation_page_links_single_sign_on_when_the_workspace_has_it(
    world: World, client: Client
):
    from goalkeeper.sso.models import Provider

    Provider.objects.create(workspace=world.acme, enabled=True, issuer="https://id.acme.test")
    add_person(actor=None, workspace=world.globex, email="sam@example.test", name="Sam")
    _invitation, token = invite_person(
        actor=world.admin, workspace=world.acme, email="sam@example.test", name="Sam"
    )

    page = client.get(reverse("invite_accept", args=[token])).content.decode()

    assert 'data-testid="sso-accept"' in page


def test_accepting_an_invitation_with_the_password_remembers_the_browser(
    world: World, client: Client
):
    _invitation, token = invite_person(
        actor=world.outsider, workspace=world.globex, email="ada@acme.test", name="Ada"
    )

    response = client.post(reverse("invite_accept", args=[token]), {"password": PASSWORD})

    assert response.status_code == 302
    assert ratelimit.DEVICE_COOKIE in response.cookies
