"""Which language a page speaks: the person's own, else the browser's, else English."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db


def _language_of(world: World, language: str) -> None:
    user = world.editor.user
    user.language = language
    user.save(update_fields=["language"])


def test_the_login_page_speaks_german_to_a_browser_asking_for_german() -> None:
    response = Client(headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"}).get("/login/")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.text
    assert "Anmelden" in response.text


def test_the_login_page_speaks_english_without_a_known_language() -> None:
    response = Client(headers={"accept-language": "fr-FR,fr;q=0.9"}).get("/login/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text


def test_a_person_who_chose_german_gets_german_whatever_the_browser_asks(world: World) -> None:
    _language_of(world, "de")
    client = world.client_for(world.editor)
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "de"
    assert "Meine Woche" in response.text


def test_a_person_who_chose_english_gets_english_whatever_the_browser_asks(world: World) -> None:
    _language_of(world, "en")
    client = world.client_for(world.editor)
    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9"})
    assert response["Content-Language"] == "en"
    assert "My week" in response.text


def test_a_person_without_a_choice_gets_what_the_browser_asks(world: World) -> None:
    _language_of(world, "")
    client = world.client_for(world.editor)
    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9"})
    assert response["Content-Language"] == "de"


def test_the_api_answers_in_english_to_a_person_who_chose_german(world: World) -> None:
    _language_of(world, "de")
    client = world.client_for(world.editor)
    response = client.get("/api/v1/no-such-thing", headers={"accept-language": "de"})
    assert response["Content-Language"] == "en"
