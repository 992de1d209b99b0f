"""Logging in: waits per account and address, limits per address, and who may log in."""

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


def fail_waiting(client: Client, clock, email: str, times: int, address: str = "10.0.0.1"):
    """Fail `times` times, sitting out each wait (the frozen clock moves by Retry-After)."""
    for _ in range(times):
        response = log_in(client, email, "wrong", address)
        if response.status_code == 429:
            clock.shift(int(response["Retry-After"]))
            response = log_in(client, email, "wrong", address)
        assert response.status_code == 200


def test_three_failures_are_free_then_each_further_attempt_waits_twice_as_long(
    world: World, client: Client
):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "ada@acme.test", 3)
        waits = []
        for _ in range(4):
            refused = log_in(client, "ada@acme.test", "wrong")
            assert refused.status_code == 429
            waits.append(int(refused["Retry-After"]))
            clock.shift(waits[-1])
            assert log_in(client, "ada@acme.test", "wrong").status_code == 200
        html = log_in(client, "ada@acme.test", "x").content.decode()

    assert waits == [2, 4, 8, 16]
    assert "Try again in 32 seconds, or reset your password" in html


def test_attempts_during_a_wait_are_refused_unchecked_and_uncounted(world: World, client: Client):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "ada@acme.test", 3)
        before = Attempt.objects.count()
        refused = log_in(client, "ada@acme.test", PASSWORD)  # even the right one
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
        assert Attempt.objects.count() == before  # refusals do not lengthen the wait
        clock.shift(1)
        assert log_in(client, "ada@acme.test", PASSWORD)["Retry-After"] == "1"


def test_the_wait_stops_growing_at_fifteen_minutes_and_the_right_password_then_works(
    world: World, client: Client
):
    with time_machine.travel(START, tick=False) as clock:
        fail_waiting(client, clock, "ada@acme.test", 14)
        refused = log_in(client, "ada@acme.test", PASSWORD)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "900"
        assert "Try again in 15 minutes" in refused.content.decode()
        clock.shift(899)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 429
        clock.shift(1)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302


def test_a_guesser_at_another_address_does_not_slow_the_owner_down(world: World, client: Client):
    with time_machine.travel(START, tick=False) as clock:
        fail_waiting(Client(), clock, "ada@acme.test", 10, address="203.0.113.9")
        assert log_in(Client(), "ada@acme.test", "x", "203.0.113.9").status_code == 429

        assert log_in(client, "ada@acme.test", PASSWORD, "10.0.0.1").status_code == 302


def test_failures_from_many_addresses_slow_the_account_only_past_its_ceiling(
    world: World, client: Client, settings
):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 20
    with time_machine.travel(START, tick=False) as clock:
        for n in range(19):
            fail(Client(), "ada@acme.test", 1, address=f"198.51.100.{n}")
        assert log_in(Client(), "ada@acme.test", "x", "192.0.2.1").status_code == 200  # 20th
        refused = log_in(client, "ada@acme.test", PASSWORD, "10.0.0.1")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "2"
        clock.shift(2)
        assert log_in(client, "ada@acme.test", PASSWORD, "10.0.0.1").status_code == 302


def test_a_successful_login_clears_the_failures_from_its_address(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, "ada@acme.test", 2)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 302
        other = Client()
        fail(other, "ada@acme.test", 2)
        # 2 + 2 failures, but the success in between reset the count: no wait yet.
        assert log_in(other, "ada@acme.test", PASSWORD).status_code == 302


def test_the_account_count_does_not_care_about_case_or_spaces(world: World, client: Client):
    with time_machine.travel(START, tick=False):
        fail(client, " ADA@acme.test", 2)
        fail(client, "ada@ACME.test ", 1)
        assert log_in(client, "ada@acme.test", PASSWORD).status_code == 429


def test_the_delay_doubles_from_two_seconds_up_to_its_ceiling():
    delay = ratelimit.Delay("x", after=3, window=dt.timedelta(hours=1), longest=900)

    assert [delay.seconds(n) for n in range(13)] == [
        0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900,
    ]  # fmt: skip
    assert delay.seconds(10_000) == 900


def test_one_address_failing_on_many_accounts_is_locked_too(world: World, client: Client, settings):
    settings.LOGIN_LIMIT_ADDRESS_COUNT = 6
    with time_machine.travel(START, tick=False):
        for n in range(6):
            fail(client, f"nobody{n}@acme.test", 1, address="203.0.113.9")
        locked = log_in(client, "eddie@acme.test", PASSWORD, address="203.0.113.9")
        elsewhere = log_in(Client(), "eddie@acme.test", PASSWORD, address="198.51.100.1")

    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"  # the oldest failure leaves the 15-minute window
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

    add_person(
        actor=None, workspace=world.globex, email="vera@acme.test", name="Vera", existing_login=True
    )
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
