"""Parity of the webhook writes: the webhooks page and the REST API leave the same rows,
audit entries and events when an admin subscribes, edits, pauses, deletes or pings.

Rotating a secret and redelivering are offered on the page only, so they have no row here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from goalkeeper.webhooks.models import Delivery, Subscription
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import NOW, Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, only

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(world: World) -> Subscription:
    return create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url="https://hooks.example.test/in",
        events=["objective.created", "kpi.created"],
        description="CRM sync",
    )


def test_subscribing_a_url(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)
    url, events = "https://crm.example.test/goalkeeper", ["objective.created", "kpi.updated"]

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("webhooks"), {"url": url, "events": events, "description": "CRM"}),
            302,
        ),
        api=lambda: expect_status(
            admin_api.post("/webhooks", {"url": url, "events": events, "description": "CRM"}),
            201,
        ),
    )

    created = only(trace.created["webhooks.Subscription"])
    assert created["secret"] == "<random>"
    assert only(trace.audit)["action"] == "webhook.created"


def test_editing_a_subscription(world: World, admin_api: Api, hook: Subscription) -> None:
    client = world.client_for(world.admin)
    url, events = "https://hooks.example.test/v2", ["kpi.created"]

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("webhook_detail", args=[hook.pk]),
                {"url": url, "events": events, "description": "CRM sync"},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.patch(f"/webhooks/{hook.pk}", {"url": url, "events": events}), 200
        ),
    )

    assert only(trace.audit)["changes"] == {
        "url": ["https://hooks.example.test/in", url],
        "events": [["kpi.created", "objective.created"], events],
    }


def test_pausing_a_subscription(world: World, admin_api: Api, hook: Subscription) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("webhook_toggle", args=[hook.pk])), 302),
        api=lambda: expect_status(admin_api.patch(f"/webhooks/{hook.pk}", {"active": False}), 200),
    )

    assert trace.changed["webhooks.Subscription"] == {
        hook.pk: {"is_active": False, "updated_at": NOW}
    }


def test_resuming_a_subscription(world: World, admin_api: Api, hook: Subscription) -> None:
    Subscription.objects.filter(pk=hook.pk).update(is_active=False)
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("webhook_toggle", args=[hook.pk])), 302),
        api=lambda: expect_status(admin_api.patch(f"/webhooks/{hook.pk}", {"active": True}), 200),
    )

    assert trace.changed["webhooks.Subscription"] == {
        hook.pk: {"is_active": True, "updated_at": NOW}
    }


def test_deleting_a_subscription(world: World, admin_api: Api, hook: Subscription) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("webhook_delete", args=[hook.pk])), 302),
        api=lambda: expect_status(admin_api.delete(f"/webhooks/{hook.pk}"), 204),
    )

    assert trace.deleted == {"webhooks.Subscription": [hook.pk]}
    assert only(trace.audit)["action"] == "webhook.deleted"


def test_pinging_a_subscription(world: World, admin_api: Api, hook: Subscription) -> None:
    client = world.client_for(world.admin)
    queued: list[list[tuple[str, object]]] = []

    def pings(request: object) -> object:
        """Run a request and note the deliveries it queued (the ping's only row)."""

        def run() -> object:
            before = set(Delivery.objects.values_list("pk", flat=True))
            response = request()  # type: ignore[operator]
            queued.append(
                list(
                    Delivery.objects.exclude(pk__in=before)
                    .order_by("pk")
                    .values_list("event", "payload")
                )
            )
            return response

        return run

    trace = compare_paths(
        web=pings(lambda: expect_status(client.post(reverse("webhook_ping", args=[hook.pk])), 302)),
        api=pings(lambda: expect_status(admin_api.post(f"/webhooks/{hook.pk}/ping"), 202)),
        rows=False,
    )

    assert only(trace.audit)["action"] == "webhook.pinged"
    by_web, by_api = queued
    assert by_web == by_api
    assert [event for event, _ in by_web] == ["ping"]
