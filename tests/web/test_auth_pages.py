"""Login, logout and the health probe."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World


@pytest.mark.django_db
def test_login_page_renders_a_focused_email_field_and_a_password_field(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Log in to Goalkeeper" in html
    assert 'type="email" name="username"' in html
    assert "autofocus" in html.split('name="username"')[1].split(">")[0]
    assert 'type="password" name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_bad_credentials_show_an_error_and_keep_the_email(world: World, client: Client) -> None:
    response = client.post(
        reverse("login"), {"username": "ada@acme.test", "password": "not the password"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="login-error"' in html
    assert "That email and password do not match an account" in html
    assert 'value="ada@acme.test"' in html
    assert "_auth_user_id" not in client.session


def test_good_credentials_log_in_and_land_on_home(world: World, client: Client) -> None:
    response = client.post(reverse("login"), {"username": "ada@acme.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_email_is_matched_whatever_its_case(world: World, client: Client) -> None:
    response = client.post(reverse("login"), {"username": " Ada@ACME.test ", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_next_to_the_page_asked_for(world: World, client: Client) -> None:
    response = client.post(
        reverse("login") + "?next=/",
        {"username": "ada@acme.test", "password": PASSWORD, "next": "/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_signed_in_person_visiting_login_goes_home(world: World) -> None:
    response = world.client_for(world.viewer).get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_logout_is_a_post_that_ends_the_session(world: World) -> None:
    client = world.client_for(world.editor)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client: Client) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
