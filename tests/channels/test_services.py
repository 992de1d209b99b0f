"""Channel writes: who may make which channel, the URL sealed and never echoed, audits."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goalkeeper.audit.models import AuditEntry
from goalkeeper.channels import sealed
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.models import ChatChannel, ChatDelivery
from goalkeeper.channels.services import (
    create_channel,
    delete_channel,
    post,
    post_to_scope,
    update_channel,
)
from tests.channels.conftest import SLACK_URL, TOKEN, add_channel, url_of
from tests.conftest import World

MESSAGE = ChatMessage(title="MRR is red", text="41k", tone="red")


def audit_text(world: World) -> str:
    return " ".join(str(entry.changes) for entry in AuditEntry.objects.filter(workspace=world.acme))


def test_an_admin_adds_a_workspace_channel_with_its_url_sealed(world: World) -> None:
    channel = add_channel(world)

    assert channel.scope == "workspace"
    assert TOKEN not in channel.sealed
    assert url_of(channel) == SLACK_URL
    assert channel.url_hint == "https://hooks.slack.example/…" + TOKEN[-4:]
    entry = AuditEntry.objects.get(action="chat_channel.created")
    assert entry.actor_id == world.admin.pk
    assert TOKEN not in audit_text(world)


def test_a_team_lead_adds_a_channel_for_their_team_only(world: World) -> None:
    channel = create_channel(
        actor=world.editor,
        workspace=world.acme,
        kind="teams",
        name="Sales room",
        url="https://prod.example/workflows/abc/triggers/manual/paths/invoke?sig=zzzzzz",
        team=world.sales,
    )
    assert channel.scope == "team"

    with pytest.raises(PermissionDenied):
        create_channel(
            actor=world.editor, workspace=world.acme, kind="slack", name="All", url=SLACK_URL
        )
    with pytest.raises(PermissionDenied):
        create_channel(
            actor=world.editor,
            workspace=world.acme,
            kind="slack",
            name="Company",
            url=SLACK_URL,
            team=world.company,
        )


def test_a_viewer_adds_only_their_own_personal_channel(world: World) -> None:
    mine = add_channel(world, person=world.viewer)

    assert mine.scope == "person"
    with pytest.raises(PermissionDenied):
        create_channel(
            actor=world.viewer, workspace=world.acme, kind="slack", name="x", url=SLACK_URL
        )
    with pytest.raises(PermissionDenied):
        create_channel(
            actor=world.admin,
            workspace=world.acme,
            kind="slack",
            name="x",
            url=SLACK_URL,
            person=world.viewer,
        )
    with pytest.raises(PermissionDenied):
        update_channel(actor=world.admin, channel=mine, name="taken over")


@pytest.mark.parametrize(
    ("url", "field"),
    [("ftp://hooks.example/x", "url"), ("", "url"), ("not a url", "url")],
)
def test_a_bad_url_is_refused_by_name_and_nothing_is_written(
    world: World, url: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add_channel(world, url=url)

    assert field in refused.value.message_dict
    assert not ChatChannel.objects.exists()


def test_a_blank_name_and_an_unknown_kind_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        create_channel(actor=world.admin, workspace=world.acme, kind="irc", name=" ", url=SLACK_URL)

    assert set(refused.value.message_dict) == {"name", "kind"}


def test_changing_the_url_audits_hints_only_and_a_blank_url_keeps_it(world: World) -> None:
    channel = add_channel(world)
    new_url = "https://hooks.slack.example/services/T1/B1/NEWtokenABCDEFGH"

    update_channel(actor=world.admin, channel=channel, url=new_url, name="Renamed")
    update_channel(actor=world.admin, channel=channel, url="", alerts=False)
    channel.refresh_from_db()

    assert url_of(channel) == new_url
    assert channel.url_hint.endswith("EFGH")
    assert channel.name == "Renamed"
    assert not channel.alerts
    assert "NEWtoken" not in audit_text(world)
    assert TOKEN not in audit_text(world)


def test_a_json_channel_keeps_its_signing_secret_when_its_url_changes(world: World) -> None:
    channel = add_channel(world, url="https://receiver.example/hook", kind="json")
    secret = sealed.unseal(channel.sealed).secret

    update_channel(actor=world.admin, channel=channel, url="https://receiver.example/other")

    assert secret
    assert sealed.unseal(channel.sealed).secret == secret


def test_a_url_sealed_with_a_lost_key_must_be_entered_again(world: World, settings) -> None:
    channel = add_channel(world)
    settings.SOURCE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ValidationError) as refused:
        update_channel(actor=world.admin, channel=channel, kind="mattermost")
    assert "url" in refused.value.message_dict

    update_channel(actor=world.admin, channel=channel, url=SLACK_URL + "2", kind="mattermost")
    assert url_of(channel) == SLACK_URL + "2"


def test_deleting_a_channel_removes_its_deliveries_and_audits(world: World) -> None:
    channel = add_channel(world)
    post(channel=channel, message=MESSAGE, purpose="alert")

    delete_channel(actor=world.admin, channel=channel)

    assert not ChatDelivery.objects.exists()
    assert AuditEntry.objects.filter(action="chat_channel.deleted").exists()


def test_post_to_scope_reaches_the_active_channels_of_that_scope_that_take_the_purpose(
    world: World,
) -> None:
    everyone = add_channel(world)
    sales = add_channel(world, team=world.sales)
    digests_only = add_channel(world, team=world.sales)
    update_channel(actor=world.admin, channel=digests_only, alerts=False)
    paused = add_channel(world, team=world.sales)
    update_channel(actor=world.admin, channel=paused, is_active=False)
    mine = add_channel(world, person=world.viewer)
    add_channel(world, url="https://other.example/x")  # a second workspace channel

    def reached(**scope) -> set[int]:
        before = set(ChatDelivery.objects.values_list("id", flat=True))
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, **scope)
        return set(ChatDelivery.objects.exclude(id__in=before).values_list("channel_id", flat=True))

    assert everyone.pk in reached(purpose="digest")
    assert reached(purpose="alert", team_id=world.sales.pk) == {sales.pk}
    assert reached(purpose="digest", team_id=world.sales.pk) == {sales.pk, digests_only.pk}
    assert reached(purpose="notification", person_id=world.viewer.pk) == {mine.pk}
    assert post_to_scope(workspace_id=world.globex.pk, message=MESSAGE, purpose="alert") == 0


def test_a_delivery_stores_the_payload_as_it_will_be_sent(world: World) -> None:
    channel = add_channel(world, url="https://receiver.example/hook", kind="json")

    delivery = post(channel=channel, message=MESSAGE, purpose="alert")

    assert delivery.payload["id"] == str(delivery.delivery_id)
    assert delivery.payload["purpose"] == "alert"
    assert delivery.payload["channel"] == {
        "id": channel.pk,
        "name": channel.name,
        "scope": "workspace",
    }
    assert delivery.payload["message"]["title"] == "MRR is red"
    assert delivery.status == "pending"


def test_a_rolled_back_post_leaves_nothing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    channel = add_channel(world)

    def failing_write() -> None:
        with transaction.atomic():
            post(channel=channel, message=MESSAGE, purpose="alert")
            raise RuntimeError("the write failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        failing_write()

    assert not ChatDelivery.objects.exists()
    assert callbacks == []


def test_an_unknown_purpose_is_refused(world: World) -> None:
    channel = add_channel(world)

    with pytest.raises(ValueError, match="purpose"):
        post(channel=channel, message=MESSAGE, purpose="gossip")
    with pytest.raises(ValueError, match="purpose"):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="test")
