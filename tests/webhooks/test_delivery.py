"""Deliveries to a real local HTTP server: signed, sent by the worker, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from goalkeeper.webhooks import delivery as sending
from goalkeeper.webhooks.models import Delivery, DeliveryStatus, Subscription
from goalkeeper.webhooks.services import create_subscription, update_subscription
from goalkeeper.webhooks.tasks import retry_due_webhooks
from tests.api.conftest import Api
from tests.conftest import World
from tests.webhooks.conftest import emit, run_worker

pytestmark = pytest.mark.usefixtures("huey_immediate", "allow_local_outbound")


def subscribe(world: World, url: str, events: list[str]) -> Subscription:
    return create_subscription(actor=world.admin, workspace=world.acme, url=url, events=events)


def verify(secret: str, request: Request) -> bool:
    """What a receiver does (docs/api.md): recompute the signature and compare."""
    timestamp = request.headers["X-Goalkeeper-Timestamp"]
    message = timestamp.encode() + b"." + request.get_data()
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["X-Goalkeeper-Signature"])


def test_a_check_in_is_delivered_signed(
    world: World, httpserver: HTTPServer, editor_api: Api, django_capture_on_commit_callbacks
) -> None:
    hook = subscribe(world, httpserver.url_for("/hook"), ["check_in.created"])
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("thanks", status=200)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    objective = editor_api.post(
        "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    ).json
    key_result = editor_api.post(
        "/key-results", {"objective": objective["id"], "title": "Leads", "start": 0, "target": 10}
    ).json

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(f"/key-results/{key_result['id']}/check-ins", {"value": 4, "note": "ok"})

    assert len(received) == 1
    request = received[0]
    assert verify(hook.secret, request)
    assert not verify("another secret", request)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Goalkeeper-Event"] == "check_in.created"
    body = json.loads(request.get_data())
    delivery = Delivery.objects.get()
    assert body["id"] == str(delivery.event_id) == request.headers["X-Goalkeeper-Delivery"]
    assert body["event"] == "check_in.created"
    assert body["workspace"] == world.acme.pk
    assert body["data"]["check_in"]["value"] == 4
    assert body["data"]["check_in"]["note"] == "ok"
    assert body["data"]["key_result"]["id"] == key_result["id"]
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_a_failing_receiver_is_retried_with_a_growing_delay(
    world: World, httpserver: HTTPServer, fast_backoff: float, django_capture_on_commit_callbacks
) -> None:
    hook = subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    moments: list[float] = []
    answers = iter([500, 500, 200])

    def handler(request: Request) -> Response:
        assert verify(hook.secret, request)
        moments.append(time.monotonic())
        return Response("busy", status=next(answers))

    httpserver.expect_request("/hook").respond_with_handler(handler)

    with django_capture_on_commit_callbacks(execute=True):
        emit(world.acme, "kpi.created", {"kpi": {"id": 1}})
    delivery = Delivery.objects.get()
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "HTTP 500 Internal Server Error"  # never the body

    run_worker(until=lambda: Delivery.objects.get().status != DeliveryStatus.PENDING)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 3
    assert delivery.last_status_code == 200
    # The error that caused the retries stays on the log.
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    first_wait, second_wait = moments[1] - moments[0], moments[2] - moments[1]
    assert first_wait >= fast_backoff
    assert second_wait >= 2 * fast_backoff
    assert second_wait > first_wait


def test_a_delivery_fails_for_good_after_the_last_attempt(
    world: World,
    httpserver: HTTPServer,
    fast_backoff: float,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    httpserver.expect_request("/hook").respond_with_data("nope", status=503)

    with django_capture_on_commit_callbacks(execute=True):
        emit(world.acme, "kpi.created", {"kpi": {"id": 1}})
    run_worker(until=lambda: Delivery.objects.get().status != DeliveryStatus.PENDING)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.last_status_code == 503
    assert delivery.next_attempt_at is None
    assert len(httpserver.log) == 3


def test_an_unreachable_receiver_is_logged_and_retried(
    world: World, fast_backoff: float, django_capture_on_commit_callbacks
) -> None:
    subscribe(world, "http://127.0.0.1:9/nothing-listens-here", ["kpi.created"])

    with django_capture_on_commit_callbacks(execute=True):
        emit(world.acme, "kpi.created", {"kpi": {"id": 1}})

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("could not connect to 127.0.0.1:9")
    assert delivery.next_attempt_at is not None


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    world: World, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    httpserver.expect_request("/hook").respond_with_data(
        "", status=302, headers={"Location": "http://example.com/"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        emit(world.acme, "kpi.created", {"kpi": {"id": 1}})

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 302


def test_a_paused_webhook_gets_no_new_deliveries_and_queued_ones_fail(
    world: World, httpserver: HTTPServer
) -> None:
    hook = subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    queued = emit(world.acme, "kpi.created", {"kpi": {"id": 1}})  # not committed: not sent yet
    update_subscription(actor=world.admin, subscription=hook, is_active=False)

    assert emit(world.acme, "kpi.created", {"kpi": {"id": 2}}) == []
    left = sending.attempt(queued[0].pk)

    assert left is not None
    assert left.status == DeliveryStatus.FAILED
    assert left.last_error == "the webhook is disabled"
    assert httpserver.log == []


def test_only_one_worker_sends_a_delivery(world: World, httpserver: HTTPServer) -> None:
    subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    httpserver.expect_request("/hook").respond_with_data("ok")
    delivery = emit(world.acme, "kpi.created", {"kpi": {"id": 1}})[0]
    now = delivery.next_attempt_at

    assert sending.claim(delivery.pk, now) is not None
    # A second worker woken for the same delivery finds it leased.
    assert sending.claim(delivery.pk, now) is None
    assert sending.attempt(delivery.pk) is None


def test_the_sweeper_sends_due_deliveries_whose_task_was_lost(
    world: World, httpserver: HTTPServer
) -> None:
    subscribe(world, httpserver.url_for("/hook"), ["kpi.created"])
    httpserver.expect_request("/hook").respond_with_data("ok")
    # Emitted inside a transaction that never ran its on-commit hook: the task was "lost".
    emit(world.acme, "kpi.created", {"kpi": {"id": 1}})

    retry_due_webhooks.call_local()

    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED
    assert len(httpserver.log) == 1


def test_the_delay_doubles_up_to_a_ceiling() -> None:
    import datetime as dt

    rules = sending.Policy(max_attempts=20, backoff=dt.timedelta(seconds=30), timeout=10)

    assert [rules.delay_after(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert rules.delay_after(15) == sending.MAX_DELAY


def test_the_body_is_the_same_bytes_on_every_attempt(world: World) -> None:
    subscribe(world, "https://example.com/hook", ["kpi.created"])
    delivery = emit(world.acme, "kpi.created", {"kpi": {"id": 1, "name": "MRR"}})[0]
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery.pk)

    assert sending.body_of(delivery) == sending.body_of(delivery)
    assert json.loads(sending.body_of(delivery))["data"] == {"kpi": {"id": 1, "name": "MRR"}}
