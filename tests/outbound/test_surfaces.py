"""Each way Goalkeeper reaches a URL, tried against every internal address: the listener on
127.0.0.1 hears nothing, and what the admin sees is the policy in our words. Then servers
that are allowed and answer a secret: no byte of it comes back (docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Response

from goalkeeper.channels import delivery as chat_sending
from goalkeeper.channels import sealed
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.models import ChatChannel, ChatDelivery
from goalkeeper.channels.services import create_channel, post
from goalkeeper.events import Event
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import connection_tests, services
from goalkeeper.sources.models import ConnectionTest, DataSource, RunStatus, RunTrigger, SyncRun
from goalkeeper.webhooks import delivery as hook_sending
from goalkeeper.webhooks.models import Delivery, Subscription
from goalkeeper.webhooks.services import create_subscription, queue_deliveries
from tests.conftest import World
from tests.outbound.conftest import INTERNAL, SECRET, WIDE, Sentinel
from tests.sources.api.conftest import SourceApi

REFUSED = "address, which outbound requests may not reach"
MESSAGE = ChatMessage(title="Alert", text="Churn is up", url="https://g.example/k/1", tone="red")


def json_source(url: str) -> dict[str, Any]:
    return {"kind": "http_json", "settings": {"url": url, "value_path": "$.v"}}


def form(url: str) -> dict[str, str]:
    return {
        "kind": "http_json",
        "p_url": url,
        "p_value_path": "$.v",
        "p_timestamp_path": "",
        "p_headers": "",
        "interval_minutes": "60",
        "is_active": "on",
    }


# --- Every internal address, every way out ---------------------------------------------------


@pytest.mark.parametrize("url", INTERNAL)
def test_test_connection_refuses_an_internal_url_on_the_form(
    url: str, world: World, kpi: Kpi, sentinel: Sentinel, huey_immediate: None
) -> None:
    target = url.format(port=sentinel.port)
    html = (
        world.client_for(world.admin)
        .post(reverse("source_test", args=[kpi.pk]), form(target), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "<strong>URL</strong>" in html
    assert REFUSED in html
    assert not ConnectionTest.objects.exists()
    assert sentinel.accepted == []


@pytest.mark.parametrize("url", INTERNAL)
def test_test_connection_in_the_api_refuses_an_internal_url_naming_the_field(
    url: str, kpi: Kpi, sentinel: Sentinel, admin_api: SourceApi
) -> None:
    answer = admin_api.post(
        f"/kpis/{kpi.pk}/source/test", json_source(url.format(port=sentinel.port))
    )
    assert answer.status_code == 422
    (error,) = answer.json["errors"]
    assert error["field"] == "settings.url"
    assert error["message"].endswith(REFUSED)
    assert sentinel.accepted == []


@pytest.mark.parametrize("url", INTERNAL)
def test_a_test_whose_address_turned_internal_is_refused_by_the_worker(
    url: str, kpi: Kpi, settings: Any, sentinel: Sentinel, admin_api: SourceApi
) -> None:
    settings.OUTBOUND_ALLOW = WIDE
    queued = admin_api.post(
        f"/kpis/{kpi.pk}/source/test", json_source(url.format(port=sentinel.port))
    )
    assert queued.status_code == 202
    settings.OUTBOUND_ALLOW = []

    connection_tests.execute(queued.json["id"])

    answer = admin_api.get(f"/sources/tests/{queued.json['id']}")
    assert answer.json["status"] == "failed"
    assert answer.json["error"].endswith(REFUSED)
    assert sentinel.accepted == []


@pytest.mark.parametrize("url", INTERNAL)
def test_a_sync_of_an_internal_url_is_refused(
    url: str, kpi: Kpi, settings: Any, sentinel: Sentinel
) -> None:
    settings.OUTBOUND_ALLOW = WIDE
    configuration = services.configure(
        kpi=kpi,
        kind="http_json",
        values={"url": url.format(port=sentinel.port), "value_path": "$.v"},
    )
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    settings.OUTBOUND_ALLOW = []

    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    services.execute(run.pk)

    run = SyncRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.FAILED
    assert run.error.endswith(REFUSED)
    assert sentinel.accepted == []


@pytest.mark.parametrize("url", INTERNAL)
def test_a_webhook_to_an_internal_url_is_refused_when_saved_and_when_sent(
    url: str, world: World, sentinel: Sentinel, admin_api: SourceApi
) -> None:
    target = url.format(port=sentinel.port)
    refused = admin_api.post("/webhooks", {"url": target, "events": ["kpi.created"]})
    assert refused.status_code == 422
    (error,) = refused.json["errors"]
    assert error["field"] == "url"
    # 2130706433 and 0x7f.1 are not even hosts to Django's URL validator.
    assert error["message"].endswith(REFUSED) or error["message"] == (
        "enter an http:// or https:// URL"
    )

    # A subscription saved before the policy (or before its name changed address).
    hook = create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url="https://hooks.example/in",
        events=["kpi.created"],
    )
    Subscription.objects.filter(pk=hook.pk).update(url=target)
    (delivery,) = queue_deliveries(
        Event(workspace_id=world.acme.pk, name="kpi.created", payload={"kpi": {"id": 1}})
    )
    hook_sending.attempt(delivery.pk)

    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.last_status_code is None
    assert delivery.last_error.endswith(REFUSED)
    assert sentinel.accepted == []


@pytest.mark.parametrize("url", INTERNAL)
def test_a_chat_channel_to_an_internal_url_is_refused_when_saved_and_when_sent(
    url: str, world: World, sentinel: Sentinel
) -> None:
    target = url.format(port=sentinel.port) + "services/T/B/tok3n"
    page = (
        world.client_for(world.admin)
        .post(
            reverse("chat_channels"),
            {"name": "Ops", "kind": "slack", "url": target, "alerts": "on", "digests": "on"},
        )
        .content.decode()
    )
    # 2130706433, 127.1 and 0x7f.1 are not even hosts to Django's URL validator.
    assert REFUSED in page or "enter an http:// or https:// URL" in page
    assert not ChatChannel.objects.exists()

    # A channel saved before the policy (or before its name changed address).
    channel = create_channel(
        actor=world.admin,
        workspace=world.acme,
        kind="slack",
        name="Ops",
        url="https://hooks.example/services/T/B/tok3n",
    )
    ChatChannel.objects.filter(pk=channel.pk).update(sealed=sealed.seal(sealed.Target(url=target)))
    delivery = post(channel=channel, message=MESSAGE, purpose="alert")
    chat_sending.attempt(delivery.pk)

    delivery = ChatDelivery.objects.get(pk=delivery.pk)
    assert delivery.status == "failed"  # the address will not become public by waiting
    assert delivery.last_error.endswith(REFUSED)
    assert "tok3n" not in delivery.last_error
    assert sentinel.accepted == []


def test_a_redirect_to_loopback_is_refused_for_a_source(
    kpi: Kpi, settings: Any, httpserver: HTTPServer, sentinel: Sentinel
) -> None:
    settings.OUTBOUND_ALLOW = ["localhost"]  # the server is allowed by name; 127.0.0.1 is not
    httpserver.expect_request("/metric").respond_with_response(
        Response("", status=302, headers={"Location": f"http://127.0.0.1:{sentinel.port}/"})
    )
    configuration = services.configure(
        kpi=kpi,
        kind="http_json",
        values={"url": f"http://localhost:{httpserver.port}/metric", "value_path": "$.v"},
    )
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    services.execute(run.pk)

    assert SyncRun.objects.get(pk=run.pk).error == (
        f"localhost:{httpserver.port} redirected to a loopback address, which outbound "
        "requests may not reach"
    )
    assert len(httpserver.log) == 1
    assert sentinel.accepted == []


# --- An allowed server that answers a secret: none of it comes back --------------------------


def _secret_answers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/html").respond_with_data(
        f"<html>{SECRET}</html>", content_type="text/html"
    )
    httpserver.expect_request("/value").respond_with_json({"v": SECRET})
    httpserver.expect_request("/stamp").respond_with_json({"v": [1], "t": [SECRET]})
    httpserver.expect_request("/status").respond_with_response(
        Response(SECRET, status=f"500 {SECRET}")
    )
    httpserver.expect_request("/deals.csv").respond_with_data(
        f"{SECRET},other\n2026-11-01,1\n", content_type="text/csv"
    )
    httpserver.expect_request("/cells.csv").respond_with_data(
        f"date,value\n2026-11-01,{SECRET}\n", content_type="text/csv"
    )
    httpserver.expect_request("/hook").respond_with_response(
        Response(SECRET, status=f"400 {SECRET}")
    )


def _bodies(httpserver: HTTPServer) -> list[dict[str, Any]]:
    csv = {"timestamp_column": "", "value_column": "", "date_format": "iso"}
    return [
        json_source(httpserver.url_for("/html")),
        json_source(httpserver.url_for("/value")),
        {
            "kind": "http_json",
            "settings": {
                "url": httpserver.url_for("/stamp"),
                "value_path": "$.v[*]",
                "timestamp_path": "$.t[*]",
            },
        },
        json_source(httpserver.url_for("/status")),
        {"kind": "csv", "settings": {"location": httpserver.url_for("/deals.csv"), **csv}},
        {"kind": "csv", "settings": {"location": httpserver.url_for("/cells.csv"), **csv}},
        {
            "kind": "csv",
            "settings": {
                **csv,
                "location": httpserver.url_for("/deals.csv"),
                "value_column": "nope",
            },
        },
    ]


@pytest.mark.usefixtures("allow_local_outbound")
def test_no_byte_of_a_servers_answer_reaches_a_tests_answer_or_its_row(
    world: World, kpi: Kpi, httpserver: HTTPServer, admin_api: SourceApi
) -> None:
    _secret_answers(httpserver)
    for body in _bodies(httpserver):
        queued = admin_api.post(f"/kpis/{kpi.pk}/source/test", body)
        assert queued.status_code == 202, queued.json
        connection_tests.execute(queued.json["id"])
        answer = admin_api.get(f"/sources/tests/{queued.json['id']}")
        assert answer.json["status"] == "failed", (body, answer.json)
        assert SECRET not in answer.get_data(as_text=True)
        page = world.client_for(world.admin).get(
            reverse("source_test_result", args=[queued.json["id"]])
        )
        shown = page.content.decode().replace("&quot;", '"')
        assert answer.json["error"][1:] in shown  # the page capitalises its first letter
        assert SECRET not in page.content.decode()
    assert SECRET not in str(list(ConnectionTest.objects.values()))


@pytest.mark.usefixtures("allow_local_outbound")
def test_no_byte_of_a_servers_answer_reaches_a_sync_run(kpi: Kpi, httpserver: HTTPServer) -> None:
    _secret_answers(httpserver)
    for body in _bodies(httpserver):
        SyncRun.objects.all().delete()
        kpi.refresh_from_db()
        configuration = services.configure(kpi=kpi, kind=body["kind"], values=body["settings"])
        DataSource.objects.filter(kpi=kpi).delete()
        source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
        run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
        services.execute(run.pk)
        run = SyncRun.objects.get(pk=run.pk)
        assert run.status == RunStatus.FAILED
        assert run.error
        assert SECRET not in run.error


@pytest.mark.usefixtures("allow_local_outbound")
def test_no_byte_of_a_receivers_answer_reaches_a_delivery_log(
    world: World, httpserver: HTTPServer
) -> None:
    _secret_answers(httpserver)
    create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url=httpserver.url_for("/hook"),
        events=["kpi.created"],
    )
    (delivery,) = queue_deliveries(
        Event(workspace_id=world.acme.pk, name="kpi.created", payload={"kpi": {"id": 1}})
    )
    hook_sending.attempt(delivery.pk)
    channel = create_channel(
        actor=world.admin,
        workspace=world.acme,
        kind="json",
        name="Ops",
        url=httpserver.url_for("/hook"),
    )
    chat = post(channel=channel, message=MESSAGE, purpose="alert")
    chat_sending.attempt(chat.pk)

    hook = Delivery.objects.get(pk=delivery.pk)
    said = ChatDelivery.objects.get(pk=chat.pk)
    assert (hook.last_status_code, hook.last_error) == (400, "HTTP 400 Bad Request")
    assert (said.last_status_code, said.last_error) == (400, "HTTP 400 Bad Request")
    assert SECRET not in str(list(Delivery.objects.values())) + str(
        list(ChatDelivery.objects.values())
    )
