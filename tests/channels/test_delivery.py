"""Deliveries to a real local HTTP server: sent on commit, retried, bounded, never redirected."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from goalkeeper import outbox
from goalkeeper.channels import delivery as sending
from goalkeeper.channels import sealed
from goalkeeper.channels.messages import ChatMessage, payload_for
from goalkeeper.channels.models import ChatDelivery, DeliveryStatus
from goalkeeper.channels.services import post, post_to_scope, update_channel
from goalkeeper.channels.tasks import retry_due_chat
from tests.channels.conftest import add_channel, run_worker
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("huey_immediate", "allow_local_outbound")

MESSAGE = ChatMessage(
    title="Weekly digest", text="3 key results <at risk>", url="https://g.example/d", tone="yellow"
)


def test_a_slack_message_arrives_as_its_documented_json(
    world: World, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    channel = add_channel(world, url=httpserver.url_for("/services/T/B/tok3n"))
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok", status=200)

    httpserver.expect_request("/services/T/B/tok3n", method="POST").respond_with_handler(handler)

    with django_capture_on_commit_callbacks(execute=True):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="digest")

    (request,) = received
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == payload_for("slack", MESSAGE)
    delivery = ChatDelivery.objects.get(channel=channel)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_a_generic_json_delivery_is_signed_like_webhooks(
    world: World, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    channel = add_channel(world, url=httpserver.url_for("/hook"), kind="json")
    secret = sealed.unseal(channel.sealed).secret
    received: list[Request] = []
    httpserver.expect_request("/hook").respond_with_handler(
        lambda request: received.append(request) or Response("ok")
    )

    with django_capture_on_commit_callbacks(execute=True):
        delivery = post(channel=channel, message=MESSAGE, purpose="alert")

    (request,) = received
    timestamp = int(request.headers["X-Goalkeeper-Timestamp"])
    assert request.headers["X-Goalkeeper-Signature"] == outbox.sign(
        secret, timestamp, request.get_data()
    )
    assert request.headers["X-Goalkeeper-Delivery"] == str(delivery.delivery_id)
    body = json.loads(request.get_data())
    assert body["id"] == str(delivery.delivery_id)
    assert body["message"]["text"] == "3 key results <at risk>"


def test_a_failing_platform_is_retried_until_it_accepts(
    world: World, httpserver: HTTPServer, fast_backoff: float, django_capture_on_commit_callbacks
) -> None:
    add_channel(world, url=httpserver.url_for("/hook"), kind="mattermost")
    answers = iter([Response("database down", status=500), Response("ok", status=200)])
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        return next(answers)

    httpserver.expect_request("/hook").respond_with_handler(handler)

    with django_capture_on_commit_callbacks(execute=True):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="alert")
    first = ChatDelivery.objects.get()
    assert first.status == DeliveryStatus.PENDING
    assert first.last_error == "HTTP 500 Internal Server Error"  # never the body

    run_worker(lambda: ChatDelivery.objects.get().status != DeliveryStatus.PENDING)

    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    assert times[1] - times[0] >= fast_backoff * 0.9
    # The error that caused the retry stays on the row to explain it.
    assert delivery.last_error == "HTTP 500 Internal Server Error"


def test_a_platform_that_does_not_answer_in_time_is_tried_again_later(
    world: World, httpserver: HTTPServer, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CHAT_TIMEOUT_SECONDS = 0.3
    add_channel(world, url=httpserver.url_for("/slow"))

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)

    with django_capture_on_commit_callbacks(execute=True):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="alert")

    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.endswith("did not answer in time (within 0.3 s)")
    assert delivery.last_status_code is None
    assert delivery.next_attempt_at is not None
    # The server logs the request once its handler returns: wait for it, so the late entry
    # does not land in the next test's log.
    deadline = time.monotonic() + 5
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_redirect_is_refused_and_not_followed(
    world: World, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    add_channel(world, url=httpserver.url_for("/moved"))
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=302, headers={"Location": "http://169.254.169.254/latest/"})
    )

    with django_capture_on_commit_callbacks(execute=True):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="alert")

    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 302
    assert "redirect refused" in delivery.last_error
    assert [request.path for request, _ in httpserver.log if request.path == "/moved"] == ["/moved"]


def test_a_refused_webhook_fails_at_once_with_a_short_secret_free_summary(
    world: World, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    url = httpserver.url_for("/services/T9/B9/SuperSecretToken42")
    add_channel(world, url=url)
    body = "no_service: SuperSecretToken42 is revoked\n" + "x" * 100_000
    httpserver.expect_request("/services/T9/B9/SuperSecretToken42").respond_with_data(
        body, status=404
    )

    with django_capture_on_commit_callbacks(execute=True):
        post_to_scope(workspace_id=world.acme.pk, message=MESSAGE, purpose="alert")

    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.last_error == "HTTP 404 Not Found"
    assert "no_service" not in delivery.last_error
    assert "SuperSecretToken42" not in delivery.last_error
    assert len(delivery.last_error) <= 140


def test_a_refused_connection_is_retried_without_quoting_the_url(world: World) -> None:
    channel = add_channel(world, url="http://127.0.0.1:9/services/T/B/ClosedPortToken")
    delivery = post(channel=channel, message=MESSAGE, purpose="alert")

    left = sending.attempt(delivery.pk)

    assert left is not None
    assert left.status == DeliveryStatus.PENDING
    assert left.last_error.startswith("could not connect to 127.0.0.1:9")
    assert "ClosedPortToken" not in left.last_error


def test_a_paused_channel_fails_its_queued_deliveries(world: World, httpserver: HTTPServer) -> None:
    channel = add_channel(world, url=httpserver.url_for("/hook"))
    queued = post(channel=channel, message=MESSAGE, purpose="alert")  # not committed yet
    update_channel(actor=world.admin, channel=channel, is_active=False)

    left = sending.attempt(queued.pk)

    assert left is not None
    assert left.status == DeliveryStatus.FAILED
    assert left.last_error == "the channel is paused"
    assert httpserver.log == []


def test_only_one_worker_sends_a_delivery(world: World, httpserver: HTTPServer) -> None:
    channel = add_channel(world, url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("ok")
    delivery = post(channel=channel, message=MESSAGE, purpose="alert")
    now = delivery.next_attempt_at

    assert sending.claim(delivery.pk, now) is not None
    # A second worker woken for the same delivery finds it leased.
    assert sending.claim(delivery.pk, now) is None
    assert sending.attempt(delivery.pk) is None
    assert httpserver.log == []


def test_the_sweeper_sends_due_deliveries_whose_task_was_lost(
    world: World, httpserver: HTTPServer
) -> None:
    channel = add_channel(world, url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("ok")
    # Posted inside a transaction that never ran its on-commit hook: the task was "lost".
    post(channel=channel, message=MESSAGE, purpose="digest")

    retry_due_chat.call_local()

    assert ChatDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert [request.path for request, _ in httpserver.log] == ["/hook"]


def test_the_last_attempt_fails_the_delivery(
    world: World, httpserver: HTTPServer, settings
) -> None:
    settings.CHAT_MAX_ATTEMPTS = 1
    channel = add_channel(world, url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("busy", status=503)
    delivery = post(channel=channel, message=MESSAGE, purpose="alert")

    left = sending.attempt(delivery.pk)

    assert left is not None
    assert left.status == DeliveryStatus.FAILED
    assert left.next_attempt_at is None
