"""Repeated wrong passwords: the person is told by email, once per window, through a real
SMTP server; the other refusals (reset requests, the invitation's password) say when to retry."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import User
from tests.accounts.test_login import fail_waiting, log_in
from tests.conftest import PASSWORD, World
from tests.mailserver import smtp_server  # noqa: F401 - a fixture

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def test_the_fifth_failure_in_an_hour_emails_the_person_once(
    world: World,
    smtp_server,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
    settings,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(START, tick=False) as clock,
    ):
        fail_waiting(Client(), clock, "ada@acme.test", 4, address="203.0.113.9")
        assert smtp_server.messages == []
        fail_waiting(Client(), clock, "ada@acme.test", 1, address="203.0.113.9")
        sent_at = dt.datetime.now(tz=dt.UTC)
        fail_waiting(Client(), clock, "ada@acme.test", 5, address="198.51.100.7")

    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    warning = messages[0]
    assert "ada@acme.test" in str(warning["To"])
    assert warning["Subject"] == "Failed sign-ins to your Goalkeeper login"
    body = str(warning.get_content())
    assert "There were 5 failed attempts to sign in to Goalkeeper as ada@acme.test" in body
    assert f"{sent_at:%Y-%m-%d %H:%M} UTC, from the address 203.0.113.9" in body
    assert settings.SITE_URL.rstrip("/") + "/password/reset/" in body


def test_the_warning_comes_again_in_the_next_window(
    world: World,
    smtp_server,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    def failures(at: dt.datetime, address: str, times: int) -> None:
        with (
            django_capture_on_commit_callbacks(execute=True),
            time_machine.travel(at, tick=False) as clock,
        ):
            fail_waiting(Client(), clock, "ada@acme.test", times, address=address)

    failures(START, "203.0.113.9", 5)
    first = len(smtp_server.wait_for(1))
    failures(START + dt.timedelta(minutes=30), "203.0.113.10", 5)  # same hour: no second one
    failures(START + dt.timedelta(hours=2), "203.0.113.10", 4)
    before_fifth = len(smtp_server.wait_for(2, timeout=1))
    failures(START + dt.timedelta(hours=2, minutes=5), "203.0.113.10", 1)

    assert (first, before_fifth) == (1, 1)
    assert len(smtp_server.wait_for(2)) == 2


def test_an_email_without_a_login_gets_no_warning(
    world: World,
    smtp_server,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(START, tick=False) as clock,
    ):
        fail_waiting(Client(), clock, "nobody@acme.test", 6)

    assert smtp_server.messages == []
    assert not User.objects.filter(email="nobody@acme.test").exists()


def test_the_warning_speaks_the_persons_language(
    world: World,
    smtp_server,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    User.objects.filter(email="ada@acme.test").update(language="de")
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(START, tick=False) as clock,
    ):
        fail_waiting(Client(), clock, "ada@acme.test", 5)

    assert smtp_server.wait_for(1)[0]["Subject"] == "Fehlgeschlagene Anmeldungen bei Goalkeeper"


def test_a_refused_reset_request_says_when_to_retry(world: World, client: Client, mailoutbox):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            client.post(reverse("password_reset"), {"email": "eddie@acme.test"})
        clock.shift(600)
        response = client.post(reverse("password_reset"), {"email": "eddie@acme.test"})

    assert response.status_code == 429
    assert response["Retry-After"] == str(60 * 60 - 600)


def test_the_invitations_password_waits_like_the_login_page(world: World, mailoutbox):
    from tests.accounts.test_invitations import invite, link_path

    invite(world, world.client_for(world.admin), email="oscar@globex.test")
    path = link_path(mailoutbox[0])
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            assert client.post(path, {"password": "not it"}).status_code == 400
        refused = client.post(path, {"password": PASSWORD})
        assert refused.status_code == 429
        assert refused["Retry-After"] == "2"
        clock.shift(2)
        assert client.post(path, {"password": PASSWORD})["Location"] == reverse("home")
    assert log_in(Client(), "oscar@globex.test", PASSWORD).status_code == 302
