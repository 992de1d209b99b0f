"""Emails of accounts go out in their reader's language (docs/languages.md)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import User
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _speaks(user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def _invite(client: Client, email: str) -> None:
    response = client.post(
        reverse("admin_invite"), {"email": email, "name": "Nina New", "role": "viewer"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_invitation_goes_out_in_the_inviters_language(world: World, mailoutbox) -> None:
    _speaks(world.admin.user, "de")

    _invite(world.client_for(world.admin), "nina@acme.test")

    mail = mailoutbox[0]
    assert mail.subject == "Ada Admin lädt dich zu Acme auf Goalkeeper ein"
    assert "Hallo Nina New," in mail.body
    assert "Deine Rolle: Lesende." in mail.body


def test_an_invitation_to_an_existing_login_goes_out_in_its_own_language(
    world: World, mailoutbox
) -> None:
    _speaks(world.admin.user, "de")
    _speaks(world.outsider.user, "en")

    _invite(world.client_for(world.admin), world.outsider.user.email)

    mail = mailoutbox[0]
    assert mail.subject == "Ada Admin invites you to Acme on Goalkeeper"
    assert "Your role: Viewer." in mail.body


def test_a_reset_email_goes_out_in_the_accounts_language_whatever_the_page_asks(
    world: World, client: Client, mailoutbox
) -> None:
    _speaks(world.editor.user, "de")

    client.post(
        reverse("password_reset"),
        {"email": world.editor.user.email},
        headers={"accept-language": "en"},
    )

    mail = mailoutbox[0]
    assert mail.subject == "Setze dein Goalkeeper-Passwort zurück"
    assert "Wähle hier ein neues Passwort" in mail.body


def test_a_reset_email_for_an_account_without_a_choice_follows_the_page(
    world: World, client: Client, mailoutbox
) -> None:
    _speaks(world.editor.user, "")

    client.post(
        reverse("password_reset"),
        {"email": world.editor.user.email},
        headers={"accept-language": "de"},
    )

    assert mailoutbox[0].subject == "Setze dein Goalkeeper-Passwort zurück"
