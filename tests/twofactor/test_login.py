"""Logging in with two-factor on: the password, then the code, before the session is signed in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Role
from goalkeeper.accounts.services import invite_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.twofactor.models import Authenticator
from tests.conftest import PASSWORD, World
from tests.twofactor.helpers import START, code_at, enrol, log_in, send_code

pytestmark = pytest.mark.django_db

LATER = START + dt.timedelta(minutes=10)


@pytest.fixture
def secret_and_codes(world: World) -> tuple[str, list[str]]:
    with time_machine.travel(START, tick=False):
        return enrol(world.editor)


def test_without_two_factor_the_password_signs_in(world: World, client: Client):
    response = log_in(client, "eddie@acme.test", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_the_password_leads_to_the_code_page_not_into_the_app(
    world: World, client: Client, secret_and_codes
):
    with time_machine.travel(LATER, tick=False):
        response = log_in(client, "eddie@acme.test", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("login_code")
        assert "_auth_user_id" not in client.session
        page = client.get(reverse("login_code"))
        home = client.get("/")

    assert "Enter the 6-digit code" in page.content.decode()
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("login"))


def test_the_right_code_signs_in_and_goes_where_the_login_was_headed(
    world: World, client: Client, secret_and_codes
):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        client.post(
            reverse("login"),
            {"username": "eddie@acme.test", "password": PASSWORD, "next": "/kpis/"},
        )
        response = send_code(client, code_at(secret, LATER))
        signed_in = client.session.get("_auth_user_id")

    assert response.status_code == 302
    assert response["Location"] == "/kpis/"
    assert signed_in == str(world.editor.user.pk)


def test_a_code_of_the_step_before_still_counts_for_a_slow_phone_clock(
    world: World, client: Client, secret_and_codes
):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        response = send_code(client, code_at(secret, LATER - dt.timedelta(seconds=30)))
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 302
    assert signed_in


def test_a_wrong_code_is_refused_with_a_clear_error(world: World, client: Client, secret_and_codes):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        old = code_at(secret, LATER - dt.timedelta(minutes=5))
        response = send_code(client, old)
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 400
    assert "That code is not right, or it was already used" in response.content.decode()
    assert not signed_in


def test_the_same_code_is_refused_the_second_time(world: World, client: Client, secret_and_codes):
    secret, _ = secret_and_codes
    code = code_at(secret, LATER)
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        assert send_code(client, code).status_code == 302
        other = Client()
        log_in(other, "eddie@acme.test", PASSWORD)
        replay = send_code(other, code)
        signed_in = "_auth_user_id" in other.session

    assert replay.status_code == 400
    assert not signed_in


def test_a_recovery_code_works_once(world: World, client: Client, secret_and_codes):
    _, recovery = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        first = send_code(client, recovery[0].upper().replace("-", " "))
        assert first.status_code == 302
        assert "_auth_user_id" in client.session
        again = Client()
        log_in(again, "eddie@acme.test", PASSWORD)
        second = send_code(again, recovery[0])
        signed_in = "_auth_user_id" in again.session

    assert second.status_code == 400
    assert not signed_in
    assert AuditEntry.objects.filter(action="twofactor.recovery_code_used").count() == 1


def test_the_code_page_waits_five_minutes_then_asks_for_the_password_again(
    world: World, client: Client, secret_and_codes
):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
    late = LATER + dt.timedelta(minutes=5, seconds=1)
    with time_machine.travel(late, tick=False):
        response = send_code(client, code_at(secret, late))
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in


def test_the_code_page_without_a_password_first_sends_to_the_login(client: Client, db):
    response = client.get(reverse("login_code"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_wrong_codes_are_rate_limited(world: World, client: Client, secret_and_codes):
    secret, _ = secret_and_codes
    with time_machine.travel(LATER, tick=False):
        log_in(client, "eddie@acme.test", PASSWORD)
        for _ in range(5):
            assert send_code(client, "123456").status_code == 400
        response = send_code(client, code_at(secret, LATER))
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()
    assert not signed_in


def test_an_existing_login_joining_by_invitation_gives_its_code_too(
    world: World, client: Client, secret_and_codes
):
    with time_machine.travel(LATER, tick=False):
        _, token = invite_person(
            actor=world.outsider,
            workspace=world.globex,
            email="eddie@acme.test",
            role=Role.VIEWER,
        )
        response = client.post(reverse("invite_accept", args=[token]), {"password": PASSWORD})
        signed_in = "_auth_user_id" in client.session

    assert response.status_code == 302
    assert response["Location"] == reverse("login_code")
    assert not signed_in
    assert Authenticator.objects.filter(user=world.editor.user).exists()
