"""A chat post speaks its channel's language: a personal channel its person's, a team's or
the workspace's that of the person who added it, else English (docs/chat.md)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from goalkeeper.accounts.models import Person
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.models import ChatDelivery
from goalkeeper.channels.services import post_to_scope, send_test
from tests.channels.conftest import add_channel
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _speaks(person: Person, language: str) -> None:
    person.user.language = language
    person.user.save(update_fields=["language"])


def _message() -> ChatMessage:
    return ChatMessage(title=gettext("Weekly digest"), text="", url="https://example.com/")


def test_a_personal_channel_is_written_in_its_persons_language(world: World) -> None:
    _speaks(world.viewer, "de")
    channel = add_channel(world, kind="json", person=world.viewer)
    with translation.override("en"):
        post_to_scope(
            workspace_id=world.acme.pk,
            person_id=world.viewer.pk,
            message=_message,
            purpose="notification",
        )
    delivery = ChatDelivery.objects.get(channel=channel, purpose="notification")
    assert delivery.title == "Wochenübersicht"
    assert delivery.payload["message"]["link_label"] == "In Goalkeeper öffnen"


def test_a_workspace_channel_speaks_the_language_of_who_added_it_else_english(
    world: World,
) -> None:
    _speaks(world.admin, "de")
    german = add_channel(world, kind="json")
    with translation.override("de"):
        post_to_scope(workspace_id=world.acme.pk, message=_message, purpose="alert")
    assert ChatDelivery.objects.get(channel=german).title == "Wochenübersicht"
    german.created_by = None
    german.save(update_fields=["created_by"])
    with translation.override("de"):
        post_to_scope(workspace_id=world.acme.pk, message=_message, purpose="digest")
    assert ChatDelivery.objects.get(channel=german, purpose="digest").title == "Weekly digest"


def test_the_test_message_is_in_the_channels_language(world: World) -> None:
    _speaks(world.viewer, "de")
    channel = add_channel(world, kind="slack", person=world.viewer)
    delivery = send_test(actor=world.viewer, channel=channel)
    assert delivery.title == "Testnachricht von Goalkeeper"
    assert "Gesendet von Goalkeeper" in str(delivery.payload)
