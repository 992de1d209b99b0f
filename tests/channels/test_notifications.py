"""Notifications reach a person's own chat channel when they chose chat for the kind."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from goalkeeper.channels.models import ChatDelivery
from goalkeeper.notifications.services import notify, set_preferences
from tests.channels.conftest import add_channel
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("huey_immediate")


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_mention_is_posted_to_the_personal_channel_of_who_chose_chat(
    world: World, httpserver: HTTPServer, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://goalkeeper.example"
    add_channel(world, url=httpserver.url_for("/mine"), kind="json", person=world.viewer)
    add_channel(world, url=httpserver.url_for("/theirs"), kind="json", person=world.owner)
    set_preferences(person=world.viewer, choices={"mention": ("off", True)})
    received: list[Request] = []
    httpserver.expect_request("/mine").respond_with_handler(
        lambda request: received.append(request) or Response("ok")
    )

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            workspace_id=world.acme.pk,
            people=[world.viewer.pk, world.owner.pk],
            kind="mention",
            title="Ada mentioned you",
            url="/objectives/1/",
            body="Can you check the Q4 numbers?",
            actor_id=world.admin.pk,
        )

    (request,) = received
    message = json.loads(request.get_data())["message"]
    assert message["title"] == "Ada mentioned you"
    assert message["text"] == "Can you check the Q4 numbers?"
    assert message["url"] == "https://goalkeeper.example/objectives/1/"
    assert ChatDelivery.objects.get().purpose == "notification"
