"""Chat channel pages: scoping, CSRF, the URL never rendered back, the test button and log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_httpserver import HTTPServer

from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.models import ChatChannel, ChatDelivery
from goalkeeper.channels.services import post
from tests.channels.conftest import SLACK_URL, TOKEN, add_channel
from tests.conftest import World

LIST = reverse("chat_channels")
MINE = reverse("my_chat")


def edit_url(channel: ChatChannel) -> str:
    return reverse("chat_channel_edit", args=[channel.pk])


def test_the_channels_page_lists_channels_with_a_hint_and_never_the_url(
    world: World, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        add_channel(world, team=world.sales)
    channel = add_channel(world)
    post(channel=channel, message=ChatMessage(title="x", text="y"), purpose="alert")
    client = world.client_for(world.admin)

    with django_assert_max_num_queries(20):
        response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-channel-id="') == 4
    assert channel.url_hint in page
    assert TOKEN not in page
    assert "Pending" in page


def test_the_channel_page_and_its_log_never_show_the_url(world: World) -> None:
    channel = add_channel(world)
    client = world.client_for(world.admin)

    for url in (edit_url(channel), reverse("chat_channel_deliveries", args=[channel.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert TOKEN not in response.content.decode()


def test_an_admin_adds_a_channel_with_the_form(world: World) -> None:
    client = world.client_for(world.admin)

    response = client.post(
        LIST, {"name": "Leadership", "kind": "teams", "url": SLACK_URL, "alerts": "on"}
    )

    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert (channel.kind, channel.alerts, channel.digests) == ("teams", True, False)
    assert channel.team is None


def test_a_bad_url_is_named_in_the_form_and_not_echoed(world: World) -> None:
    client = world.client_for(world.admin)

    response = client.post(LIST, {"name": "x", "kind": "slack", "url": "ftp://hooks/" + TOKEN})

    assert response.status_code == 422
    page = response.content.decode()
    assert "enter an http:// or https:// URL" in page
    assert TOKEN not in page
    assert not ChatChannel.objects.exists()


def test_forms_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin.user)

    response = client.post(LIST, {"name": "x", "kind": "slack", "url": SLACK_URL})

    assert response.status_code == 403
    assert not ChatChannel.objects.exists()


def test_a_team_lead_sees_and_adds_only_their_teams_channels(world: World) -> None:
    add_channel(world)
    theirs = add_channel(world, team=world.sales)
    client = world.client_for(world.editor)

    page = client.get(LIST).content.decode()
    refused = client.post(
        LIST, {"name": "x", "kind": "slack", "url": SLACK_URL, "team": world.company.pk}
    )
    added = client.post(
        LIST, {"name": "Sales 2", "kind": "slack", "url": SLACK_URL, "team": world.sales.pk}
    )

    assert page.count('data-channel-id="') == 1
    assert f'data-channel-id="{theirs.pk}"' in page
    assert refused.status_code == 422
    assert "choose a team you lead" in refused.content.decode()
    assert added.status_code == 302
    assert ChatChannel.objects.filter(team=world.sales).count() == 2


@pytest.mark.parametrize("who", ["viewer", "owner"])
def test_people_who_lead_no_team_cannot_open_the_channels_page(world: World, who: str) -> None:
    assert world.client_for(getattr(world, who)).get(LIST).status_code == 403


def test_another_workspace_or_another_persons_channel_is_missing(world: World) -> None:
    personal = add_channel(world, person=world.viewer)
    shared = add_channel(world)

    assert world.client_for(world.admin).get(edit_url(personal)).status_code == 404
    assert world.client_for(world.outsider).get(edit_url(shared)).status_code == 404
    assert world.client_for(world.viewer).get(edit_url(shared)).status_code == 403


def test_editing_with_an_empty_url_keeps_it(world: World) -> None:
    channel = add_channel(world)
    client = world.client_for(world.admin)

    response = client.post(
        edit_url(channel), {"name": "Renamed", "kind": "slack", "url": "", "digests": "on"}
    )

    channel.refresh_from_db()
    assert response.status_code == 302
    assert channel.name == "Renamed"
    assert not channel.is_active
    assert not channel.alerts
    assert channel.url_hint.endswith(TOKEN[-4:])


@pytest.mark.usefixtures("allow_local_outbound")
def test_the_test_button_queues_a_test_message_shown_in_the_log(
    world: World, httpserver: HTTPServer, huey_immediate, django_capture_on_commit_callbacks
) -> None:
    channel = add_channel(world, url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("ok")
    client = world.client_for(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chat_channel_test", args=[channel.pk]))
    page = client.get(response.url).content.decode()

    delivery = ChatDelivery.objects.get()
    assert response.url == reverse("chat_channel_deliveries", args=[channel.pk])
    assert delivery.purpose == "test"
    assert delivery.status == "delivered"
    assert f'data-delivery-id="{delivery.pk}"' in page
    assert 'data-status="delivered"' in page


def test_the_delivery_log_is_paged(world: World) -> None:
    channel = add_channel(world)
    for number in range(30):
        post(channel=channel, message=ChatMessage(title=f"m{number}", text="x"), purpose="alert")
    client = world.client_for(world.admin)
    log = reverse("chat_channel_deliveries", args=[channel.pk])

    first = client.get(log).content.decode()
    second = client.get(log + "?page=2").content.decode()

    assert first.count('data-delivery-id="') == 25
    assert second.count('data-delivery-id="') == 5


def test_deleting_a_channel_returns_to_its_list(world: World) -> None:
    channel = add_channel(world)
    mine = add_channel(world, person=world.viewer)

    admin = world.client_for(world.admin).post(reverse("chat_channel_delete", args=[channel.pk]))
    viewer = world.client_for(world.viewer).post(reverse("chat_channel_delete", args=[mine.pk]))

    assert admin.url == LIST
    assert viewer.url == MINE
    assert not ChatChannel.objects.exists()


def test_anyone_adds_and_sees_their_own_personal_channel(world: World) -> None:
    add_channel(world, person=world.owner)
    client = world.client_for(world.viewer)

    added = client.post(MINE, {"name": "My DMs", "kind": "slack", "url": SLACK_URL, "alerts": "on"})
    page = client.get(MINE).content.decode()

    channel = ChatChannel.objects.get(person=world.viewer)
    assert added.status_code == 302
    assert channel.name == "My DMs"
    assert page.count('data-channel-id="') == 1
    assert TOKEN not in page
    assert world.client_for(world.viewer).get(edit_url(channel)).status_code == 200
