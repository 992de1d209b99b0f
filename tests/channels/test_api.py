"""/api/v1/chat-channels: admins list, add, change and remove channels; the URL stays hidden."""

from __future__ import annotations

from goalkeeper.channels import sealed
from goalkeeper.channels.models import ChatChannel, ChatDelivery
from tests.api.conftest import Api, fields_of
from tests.channels.conftest import SLACK_URL, TOKEN, add_channel
from tests.conftest import World


def test_an_admin_adds_lists_changes_and_removes_a_channel(world: World, admin_api: Api) -> None:
    created = admin_api.post(
        "/chat-channels",
        {"name": "Sales room", "kind": "slack", "url": SLACK_URL, "team": world.sales.pk},
    )
    assert created.status_code == 201
    body = created.json
    assert body["scope"] == "team"
    assert body["team"] == world.sales.pk
    assert body["url_hint"].endswith(TOKEN[-4:])
    assert body["signing_secret"] is None
    assert TOKEN not in created.get_data(as_text=True)

    listed = admin_api.get("/chat-channels")
    assert listed.json["count"] == 1
    assert TOKEN not in listed.get_data(as_text=True)

    patched = admin_api.patch(
        f"/chat-channels/{body['id']}", {"active": False, "digests": False, "kind": "mattermost"}
    )
    assert patched.status_code == 200
    assert (patched.json["active"], patched.json["digests"], patched.json["kind"]) == (
        False,
        False,
        "mattermost",
    )

    assert admin_api.delete(f"/chat-channels/{body['id']}").status_code == 204
    assert not ChatChannel.objects.exists()


def test_a_json_channel_answers_with_its_signing_secret(world: World, admin_api: Api) -> None:
    created = admin_api.post(
        "/chat-channels", {"name": "Ours", "kind": "json", "url": "https://r.example/hook"}
    )

    channel = ChatChannel.objects.get()
    assert created.json["signing_secret"] == sealed.unseal(channel.sealed).secret


def test_bad_input_is_named_by_field(world: World, admin_api: Api) -> None:
    bad_url = admin_api.post("/chat-channels", {"name": "x", "kind": "slack", "url": "ftp://x/y"})
    bad_team = admin_api.post(
        "/chat-channels", {"name": "x", "kind": "slack", "url": SLACK_URL, "team": 10**9}
    )
    bad_kind = admin_api.post("/chat-channels", {"name": "x", "kind": "irc", "url": SLACK_URL})

    assert bad_url.status_code == 422
    assert fields_of(bad_url) == {"url": "enter an http:// or https:// URL"}
    assert fields_of(bad_team) == {"team": "no such team in this workspace"}
    assert bad_kind.status_code == 422
    assert not ChatChannel.objects.exists()


def test_only_admins_use_the_endpoints(
    world: World, editor_api: Api, viewer_api: Api, outsider_api: Api
) -> None:
    channel = add_channel(world)

    assert editor_api.get("/chat-channels").status_code == 403
    assert (
        viewer_api.post(
            "/chat-channels", {"name": "x", "kind": "slack", "url": SLACK_URL}
        ).status_code
        == 403
    )
    assert outsider_api.get(f"/chat-channels/{channel.pk}").status_code == 404
    assert outsider_api.delete(f"/chat-channels/{channel.pk}").status_code == 404


def test_personal_channels_are_not_listed_or_reached_by_admins(
    world: World, admin_api: Api
) -> None:
    personal = add_channel(world, person=world.viewer)

    assert admin_api.get("/chat-channels").json["count"] == 0
    assert admin_api.get(f"/chat-channels/{personal.pk}").status_code == 404


def test_an_admin_queues_a_test_message_and_reads_the_log(world: World, admin_api: Api) -> None:
    channel = add_channel(world)

    queued = admin_api.post(f"/chat-channels/{channel.pk}/test")
    log = admin_api.get(f"/chat-channels/{channel.pk}/deliveries")

    assert queued.status_code == 202
    assert queued.json["purpose"] == "test"
    assert log.json["count"] == 1
    assert log.json["items"][0]["id"] == ChatDelivery.objects.get().pk
