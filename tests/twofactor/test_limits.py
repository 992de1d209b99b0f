"""Attempt limits on every proof two-factor asks for, counted before the check; codes in
other scripts than ASCII digits are refused, not a server error; the password at setup."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Attempt
from goalkeeper.twofactor import codes, limits, login, services
from goalkeeper.twofactor.models import Authenticator, RecoveryCode
from tests.conftest import PASSWORD, World
from tests.twofactor.helpers import START, code_at, enrol, log_in, send_code

pytestmark = pytest.mark.django_db

LATER = START + dt.timedelta(minutes=10)
ARABIC_INDIC = "\u0661\u0662\u0663\u0664\u0665\u0666"


@pytest.fixture
def secret_and_codes(world: World) -> tuple[str, list[str]]:
    with time_machine.travel(START, tick=False):
        return enrol(world.editor)


# --- Counted before checked ----------------------------------------------------------------


def test_a_login_code_is_counted_before_it_is_checked(
    world: World, client: Client, secret_and_codes, monkeypatch
):
    seen: list[int] = []

    def check(**kwargs):
        seen.append(Attempt.objects.filter(scope="login-code").count())
        return None

    monkeypatch.setattr(services, "check_login_code", check)
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        send_code(client, "123456")

    assert seen == [1]


def test_an_attempt_counted_by_a_parallel_request_takes_the_last_guess(
    world: World, client: Client, secret_and_codes, monkeypatch
):
    secret, _ = secret_and_codes
    real_count = limits.account_services.count_attempt

    def count_with_a_parallel_request(checks, now=None):
        # Another request passed the same check a moment earlier and counted first.
        real_count(checks, now)
        real_count(checks, now)

    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        for _ in range(4):
            assert send_code(client, "123456").status_code == 400
        monkeypatch.setattr(limits.account_services, "count_attempt", count_with_a_parallel_request)
        response = send_code(client, code_at(secret, LATER))
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 429
    assert not signed_in


def test_a_right_login_code_clears_the_count_and_not_the_address(
    world: World, client: Client, secret_and_codes
):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        send_code(client, "123456")
        response = send_code(client, code_at(secret, LATER))

    assert response.status_code == 302
    assert not Attempt.objects.filter(scope="login-code").exists()
    # Only the wrong code counted against the address.
    assert Attempt.objects.filter(scope="login-address", key="127.0.0.1").count() == 1


# --- Codes in other scripts -----------------------------------------------------------------


def test_only_ascii_digits_make_a_code():
    secret = codes.new_secret()
    assert codes.matching_step(secret, ARABIC_INDIC, 0, START) is None
    assert codes.matching_step(secret, "12345\u0667", 0, START) is None


def test_a_login_code_in_other_digits_is_a_wrong_code(
    world: World, client: Client, secret_and_codes
):
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        response = send_code(client, ARABIC_INDIC)

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()


@pytest.mark.parametrize("route", ["twofactor_disable", "twofactor_recovery_codes"])
def test_other_digits_on_the_own_pages_are_a_wrong_code(world: World, secret_and_codes, route):
    client = world.client_for(world.editor)
    with time_machine.travel(LATER, tick=False):
        response = client.post(reverse(route), {"code": ARABIC_INDIC})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert Authenticator.objects.filter(user=world.editor.user).exists()


def test_other_digits_at_setup_are_a_wrong_code(world: World):
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        client.post(reverse("twofactor_setup"), {"password": PASSWORD})
        response = client.post(reverse("twofactor_confirm"), {"code": ARABIC_INDIC})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()


# --- Turning off and new recovery codes are rate limited ------------------------------------


def test_wrong_passwords_to_turn_it_off_are_rate_limited(world: World, secret_and_codes):
    client = world.client_for(world.editor)
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            assert (
                client.post(reverse("twofactor_disable"), {"password": "wrong"}).status_code == 400
            )
        response = client.post(reverse("twofactor_disable"), {"password": PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == str(60 * 60)
    assert "Too many wrong passwords. Try again in 60 minutes." in response.content.decode()
    assert Authenticator.objects.filter(user=world.editor.user).exists()


def test_the_password_limit_lifts_after_its_window(world: World, secret_and_codes):
    client = world.client_for(world.editor)
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            client.post(reverse("twofactor_disable"), {"password": "wrong"})
    with time_machine.travel(LATER + dt.timedelta(hours=1, seconds=1), tick=False):
        response = client.post(reverse("twofactor_disable"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.editor.user).exists()


def test_wrong_codes_to_turn_it_off_are_rate_limited(world: World, secret_and_codes):
    secret, _ = secret_and_codes
    client = world.client_for(world.editor)
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            assert client.post(reverse("twofactor_disable"), {"code": "123456"}).status_code == 400
        response = client.post(reverse("twofactor_disable"), {"code": code_at(secret, LATER)})

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()
    assert Authenticator.objects.filter(user=world.editor.user).exists()


def test_wrong_codes_for_new_recovery_codes_are_rate_limited(world: World, secret_and_codes):
    secret, old = secret_and_codes
    client = world.client_for(world.editor)
    url = reverse("twofactor_recovery_codes")
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            assert client.post(url, {"code": "123456"}).status_code == 400
        response = client.post(url, {"code": code_at(secret, LATER)})

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert hashes == {codes.hash_recovery_code(code) for code in old}


def test_wrong_codes_on_the_own_page_count_at_the_login_step_too(
    world: World, client: Client, secret_and_codes
):
    secret, _ = secret_and_codes
    signed_in = world.client_for(world.editor)
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            signed_in.post(reverse("twofactor_recovery_codes"), {"code": "123456"})
        log_in(client, "eddie@acme.test", PASSWORD)
        response = send_code(client, code_at(secret, LATER))

    assert response.status_code == 429
    assert login.code_limit().scope == "login-code"


# --- The password at setup ------------------------------------------------------------------


def test_setup_asks_for_the_password(world: World):
    client = world.client_for(world.editor)
    page = client.get(reverse("twofactor")).content.decode()
    with time_machine.travel(START, tick=False):
        without = client.post(reverse("twofactor_setup"))
        wrong = client.post(reverse("twofactor_setup"), {"password": "wrong"})

    assert 'autocomplete="current-password"' in page
    for response in (without, wrong):
        assert response.status_code == 400
        assert "that is not your password" in response.content.decode()
        assert 'data-testid="twofactor-secret"' not in response.content.decode()
    assert not Authenticator.objects.filter(user=world.editor.user).exists()


def test_wrong_passwords_at_setup_are_rate_limited(world: World):
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            client.post(reverse("twofactor_setup"), {"password": "wrong"})
        response = client.post(reverse("twofactor_setup"), {"password": PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == str(60 * 60)
    assert not Authenticator.objects.filter(user=world.editor.user).exists()


def test_a_login_without_a_password_sets_up_without_one(world: World):
    user = world.editor.user
    user.set_unusable_password()
    user.save()
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        page = client.get(reverse("twofactor")).content.decode()
        response = client.post(reverse("twofactor_setup"))

    assert 'autocomplete="current-password"' not in page
    assert response.status_code == 200
    assert 'data-testid="twofactor-secret"' in response.content.decode()
