"""The admin's webhooks page and the webhooks API."""

from __future__ import annotations

import pytest
from django.test import Client

from goalkeeper.webhooks.models import Delivery, DeliveryStatus, Subscription
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api, fields_of
from tests.conftest import World
from tests.webhooks.conftest import emit

pytestmark = pytest.mark.usefixtures("huey_immediate")


@pytest.fixture
def hook(world: World, allow_local_outbound: None) -> Subscription:
    return create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url="http://127.0.0.1:9/hook",
        events=["kpi.created", "check_in.created"],
        description="Data warehouse",
    )


def test_the_page_lists_subscriptions_and_deliveries_with_their_log(
    world: World, hook: Subscription
) -> None:
    failed = emit(world.acme, "kpi.created", {"kpi": {"id": 1}})[0]
    Delivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, attempts=8, last_status_code=500, last_error="HTTP 500: boom"
    )

    html = world.client_for(world.admin).get("/admin/webhooks/").content.decode()

    assert "http://127.0.0.1:9/hook" in html
    assert "Data warehouse" in html
    assert 'data-status="failed"' in html
    assert "HTTP 500: boom" in html
    assert ">8 <" in html or ">8<" in html


def test_the_detail_page_shows_the_secret_and_the_deliveries(
    world: World, hook: Subscription
) -> None:
    emit(world.acme, "kpi.created", {"kpi": {"id": 1}})

    response = world.client_for(world.admin).get(f"/admin/webhooks/{hook.pk}/")

    html = response.content.decode()
    assert hook.secret in html
    assert 'data-status="pending"' in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_admins_see_the_page(world: World, hook: Subscription, who: str) -> None:
    client = world.client_for(getattr(world, who))

    assert client.get("/admin/webhooks/").status_code == 403
    assert client.get(f"/admin/webhooks/{hook.pk}/").status_code == 403


def test_another_workspaces_webhook_is_missing(world: World, hook: Subscription) -> None:
    client = world.client_for(world.outsider)

    assert client.get(f"/admin/webhooks/{hook.pk}/").status_code == 404
    assert client.post(f"/admin/webhooks/{hook.pk}/delete/").status_code == 404


def test_the_page_needs_a_login(world: World) -> None:
    assert Client().get("/admin/webhooks/").status_code == 302


def test_an_admin_adds_a_webhook_on_the_page(world: World) -> None:
    response = world.client_for(world.admin).post(
        "/admin/webhooks/",
        {"url": "https://example.com/in", "events": ["objective.closed", "kpi.health_changed"]},
    )

    hook = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/webhooks/{hook.pk}/"
    assert hook.events == ["kpi.health_changed", "objective.closed"]
    assert len(hook.secret) >= 32


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd", "not a url"]
)
def test_only_http_and_https_urls_are_accepted(world: World, url: str) -> None:
    response = world.client_for(world.admin).post(
        "/admin/webhooks/", {"url": url, "events": ["kpi.created"]}
    )

    assert response.status_code == 422
    assert not Subscription.objects.exists()


def test_page_actions(world: World, hook: Subscription, django_capture_on_commit_callbacks) -> None:
    client = world.client_for(world.admin)
    secret = hook.secret

    client.post(f"/admin/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    assert hook.is_active is False
    client.post(f"/admin/webhooks/{hook.pk}/rotate/")
    hook.refresh_from_db()
    assert hook.secret != secret
    client.post(
        f"/admin/webhooks/{hook.pk}/", {"url": "https://example.com/new", "events": ["kpi.created"]}
    )
    hook.refresh_from_db()
    assert hook.url == "https://example.com/new"
    client.post(f"/admin/webhooks/{hook.pk}/toggle/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/webhooks/{hook.pk}/ping/")
    ping = Delivery.objects.get(event="ping")
    # Sent at once by the worker; the name does not resolve here, so the log says why.
    assert ping.attempts == 1
    assert ping.last_error == "the host name example.com could not be resolved"
    Delivery.objects.filter(pk=ping.pk).update(status=DeliveryStatus.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/webhooks/{hook.pk}/deliveries/{ping.pk}/retry/")
    ping.refresh_from_db()
    assert ping.attempts == 1
    assert ping.status == DeliveryStatus.PENDING
    client.post(f"/admin/webhooks/{hook.pk}/delete/")
    assert not Subscription.objects.exists()
    assert world.acme.audit_entries.filter(action__startswith="webhook.").count() >= 6


def test_the_api_manages_webhooks(world: World, admin_api: Api) -> None:
    created = admin_api.post(
        "/webhooks", {"url": "https://example.com/in", "events": ["check_in.created"]}
    )
    assert created.status_code == 201
    hook = created.json
    assert hook["active"] is True
    assert len(hook["secret"]) >= 32

    paused = admin_api.patch(f"/webhooks/{hook['id']}", {"active": False}).json
    assert paused["active"] is False
    listed = admin_api.get("/webhooks").json
    assert [h["id"] for h in listed["items"]] == [hook["id"]]
    assert admin_api.get(f"/webhooks/{hook['id']}/deliveries").json["count"] == 0
    assert admin_api.delete(f"/webhooks/{hook['id']}").status_code == 204


def test_the_api_refuses_bad_webhooks(world: World, admin_api: Api) -> None:
    bad_url = admin_api.post("/webhooks", {"url": "ftp://example.com", "events": ["kpi.created"]})
    assert fields_of(bad_url) == {"url": "enter an http:// or https:// URL"}
    bad_event = admin_api.post("/webhooks", {"url": "https://e.com", "events": ["kpi.exploded"]})
    assert set(fields_of(bad_event)) == {"events.0"}
    no_event = admin_api.post("/webhooks", {"url": "https://e.com", "events": []})
    assert set(fields_of(no_event)) == {"events"}
