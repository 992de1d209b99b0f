"""Logging in: rate limits per account and per address, and who may log in at all."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, RequestFactory
from django.urls import reverse

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts.models import Attempt, User
from goalkeeper.accounts.services import deactivate_person
from tests.conftest import PASSWORD, World

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def log_in(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def fail(client: Client, email: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert log_in(client, email, "wrong", address).status_code == 200


def test_five_failures_lock_the_account_with_a_clear_message(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, "ada@acme.test", 5)
        response = log_in(client, "ada@acme.test", PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed attempts for this account" in html
    assert "Try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_a_locked_account_is_not_even_checked_so_guessing_is_pointless(
    world: World, client: Client
):
    with time_machine.travel(START, tick=False):
        fail(client, "ada@acme.test", 5)
        before = Attempt.objects.count()
        response = log_in(client, "ada@acme.test", "another guess")

    assert response.status_code == 429
    assert Attempt.objects.count() == before  # attempts while locked do not extend it


def test_the_lock_lifts_when_the_oldest_failure_leaves_the_window(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, "ada@acme.test", 5)
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        response = log_in(client, "ada@acme.test", PASSWORD)
        assert response.status_code == 429
        assert "Try again in 1 minute," in response.content.decode()
    with time_machine.travel(START + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_account_count(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, "ada@acme.test", 4)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302
        other = Client()
        fail(other, "ada@acme.test", 4)
        # 4 + 4 failures, but the success in between reset the count.
        assert log_in(other, "ada@acme.test", PASSWORD).status_code == 302


def test_the_account_count_does_not_care_about_case_or_spaces(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, " ADA@acme.test", 3)
        fail(client, "ada@ACME.test ", 2)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 429


def test_one_address_failing_on_many_accounts_is_locked_too(world: World, client: Client, settings):
    settings.LOGIN_LIMIT_ADDRESS_COUNT = 6
    with time_machine.travel(START, tick=False):
        for n in range(6):
            fail(client, f"nobody{n}@acme.test", 1, address="203.0.113.9")
        locked = log_in(client, "eddie@acme.test", PASSWORD, address="203.0.113.9")
        elsewhere = log_in(Client(), "eddie@acme.test", PASSWORD, address="198.51.100.1")

    assert locked.status_code == 429
    assert "Too many failed attempts for your address" in locked.content.decode()
    assert elsewhere.status_code == 302


def test_a_forged_x_forwarded_for_does_not_dodge_the_address_limit(
    world: World, client: Client, settings
):
    settings.LOGIN_LIMIT_ADDRESS_COUNT = 3
    with time_machine.travel(START, tick=False):
        for n in range(3):
            client.post(
                reverse("login"),
                {"username": f"x{n}@acme.test", "password": "wrong"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            )
        response = log_in(client, "eddie@acme.test", PASSWORD, address="203.0.113.9")

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),  # no proxy of ours: the header is the client's word
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 192.0.2.1, 10.1.1.1", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.1"),  # fewer entries than proxies: fall back to the peer
    ],
)
def test_client_address_trusts_only_our_own_proxies(
    settings, proxies: int, forwarded: str, expected: str
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert ratelimit.client_address(request) == expected


def test_a_deactivated_person_cannot_log_in_and_is_told_why(world: World, client: Client):
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)

    response = log_in(client, "vera@acme.test", PASSWORD)

    assert response.status_code == 200
    assert "not active in any workspace" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_person_active_in_another_workspace_still_logs_in_there(world: World, client: Client):
    from goalkeeper.accounts.services import add_person

    add_person(actor=None, workspace=world.globex, email="vera@acme.test", name="Vera")
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)

    assert log_in(client, "vera@acme.test", PASSWORD).status_code == 302
    assert client.get(reverse("home")).context["workspace"] == world.globex


def test_a_deactivated_person_already_signed_in_loses_the_workspace(world: World):
    client = world.client_for(world.viewer)
    assert client.get(reverse("home")).status_code == 200

    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)

    assert client.get(reverse("admin_people")).status_code == 403
    assert "You are not in a workspace yet" in client.get(reverse("home")).content.decode()


def test_passwords_are_hashed_with_argon2(world: World, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = User.objects.create_user("new@acme.test", "a long passphrase")

    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a long passphrase")


def test_logging_out_is_a_post_and_ends_the_session(world: World):
    client = world.client_for(world.editor)

    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("admin_people")).status_code == 302
