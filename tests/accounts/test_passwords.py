"""Changing a password, and resetting a forgotten one by email."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import User
from goalkeeper.audit.models import AuditEntry
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "a brand new passphrase 42"


def reset_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/password/reset/[^\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_changing_the_password_needs_the_old_one(world: World):
    client = world.client_for(world.editor)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert User.objects.get(email="eddie@acme.test").check_password(PASSWORD)


def test_changing_the_password_keeps_this_session_and_is_audited(world: World):
    client = world.client_for(world.editor)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("password_change_done")
    assert User.objects.get(email="eddie@acme.test").check_password(NEW_PASSWORD)
    assert client.get(reverse("password_change_done")).status_code == 200
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "person.password_changed"
    assert entry.actor == world.editor
    assert NEW_PASSWORD not in str(entry.changes)


def test_changing_the_password_logs_out_other_sessions(world: World):
    elsewhere = Client()
    assert elsewhere.login(username="eddie@acme.test", password=PASSWORD)
    client = world.client_for(world.editor)

    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert elsewhere.get(reverse("home")).status_code == 302


def test_a_reset_email_carries_a_one_time_link_on_site_url(
    world: World, client: Client, mailoutbox, settings
):
    settings.SITE_URL = "https://okr.example.com"

    response = client.post(
        reverse("password_reset"), {"email": "Eddie@ACME.test"}, HTTP_HOST="localhost"
    )

    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["eddie@acme.test"]
    assert "https://okr.example.com/password/reset/" in mail.body
    assert "localhost" not in mail.body  # links never follow the request's Host header

    link = reset_link(mail)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert User.objects.get(email="eddie@acme.test").check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert 'data-testid="invalid-link"' in again.content.decode()


def test_an_unknown_email_gets_the_same_answer_and_no_mail(
    world: World, client: Client, mailoutbox
):
    response = client.post(reverse("password_reset"), {"email": "nobody@acme.test"})

    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_reset_requests_are_rate_limited(world: World, client: Client, mailoutbox):
    for _ in range(3):
        client.post(reverse("password_reset"), {"email": "eddie@acme.test"})

    response = client.post(reverse("password_reset"), {"email": "eddie@acme.test"})

    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(mailoutbox) == 3


def test_a_reset_lifts_every_wait_on_the_account(world: World, client: Client, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            client.post(reverse("login"), {"username": "eddie@acme.test", "password": "wrong"})
        waiting = client.post(
            reverse("login"), {"username": "eddie@acme.test", "password": "wrong"}
        )
        assert waiting.status_code == 429

        client.post(reverse("password_reset"), {"email": "eddie@acme.test"})
        form_page = client.get(reset_link(mailoutbox[0]), follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        login = client.post(
            reverse("login"), {"username": "eddie@acme.test", "password": NEW_PASSWORD}
        )
    assert login.status_code == 302


def test_a_bad_reset_link_says_so(client: Client, db):
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "nope"})
    )

    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.content.decode()
