"""'Test connection' runs in the worker: the page queues it and polls; a workspace has at most
a few under way (docs/sources.md, "Test connection")."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from pytest_httpserver import HTTPServer

from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import connection_tests, tasks
from goalkeeper.sources.models import ConnectionTest, RunStatus
from tests.api.conftest import token_for
from tests.conftest import World
from tests.sources.api.conftest import SourceApi
from tests.sources.web.conftest import HTMX, TOKEN, TOKEN_PARTS, form_data


@pytest.fixture
def queue_only(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A worker that is not running yet: queued tests wait, in order, for `work()`."""
    queued: list[int] = []
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(tasks, "test_connection", queued.append)
    return queued


def slow_requests(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log if request.path == "/slow"]


def work(queued: list[int]) -> None:
    """What the worker does with the queued tests."""
    while queued:
        connection_tests.execute(queued.pop(0))


def test_the_page_answers_before_the_source_is_read_and_polls_for_the_result(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    client = world.client_for(world.admin)
    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()

    test = ConnectionTest.objects.get()
    assert queue_only == [test.pk]
    assert test.status == RunStatus.QUEUED
    assert 'data-testid="preview-pending"' in html
    assert "Waiting for a worker to test the connection" in html
    poll = reverse("source_test_result", args=[test.pk])
    assert f'hx-get="{poll}"' in html
    assert 'hx-trigger="every 1s"' in html

    work(queue_only)
    result = client.get(poll, **HTMX).content.decode()
    assert 'data-testid="preview-rows"' in result
    assert "the first 3 rows" in result
    assert "hx-trigger" not in result  # finished: the polling stops


def test_a_running_test_says_it_is_reading(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    client = world.client_for(world.admin)
    client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    test = ConnectionTest.objects.get()
    ConnectionTest.objects.filter(pk=test.pk).update(status=RunStatus.RUNNING)
    html = client.get(reverse("source_test_result", args=[test.pk]), **HTMX).content.decode()
    assert 'data-status="running"' in html
    assert "Reading the first rows" in html


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_slow_source_holds_no_web_thread(
    world: World, kpi: Kpi, httpserver: HTTPServer, queue_only: list[int]
) -> None:
    httpserver.expect_request("/slow").respond_with_json({"v": 1})
    data = {
        "kind": "http_json",
        "p_url": httpserver.url_for("/slow"),
        "p_value_path": "$.v",
        "interval_minutes": "60",
        "is_active": "on",
    }
    world.client_for(world.admin).post(reverse("source_test", args=[kpi.pk]), data, **HTMX)
    assert slow_requests(httpserver) == []  # the web request read nothing
    work(queue_only)
    assert slow_requests(httpserver) == ["/slow"]
    assert ConnectionTest.objects.get().status == RunStatus.SUCCEEDED


def test_the_worker_uses_the_short_test_timeout(
    kpi: Kpi, deals_csv: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SOURCE_TIMEOUT_SECONDS = 30
    settings.SOURCE_TEST_TIMEOUT_SECONDS = 4
    seen: list[float] = []
    real = connection_tests.preview

    def spy(kpi: Kpi, configuration: Any, *, timeout: float | None = None) -> Any:
        seen.append(timeout or 0)
        return real(kpi, configuration, timeout=timeout)

    monkeypatch.setattr(connection_tests, "preview", spy)
    configuration = connection_tests.Configuration(
        kind="csv",
        settings={"location": str(deals_csv), "timestamp_column": "date", "value_column": "value"},
        secrets={},
    )
    test = connection_tests.request_test(actor=None, kpi=kpi, configuration=configuration)
    connection_tests.execute(test.pk)
    assert seen == [4.0]


def test_a_fourth_test_under_way_is_refused_with_a_clear_message(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int], settings: Any
) -> None:
    settings.SOURCE_TEST_MAX_PENDING = 3
    client = world.client_for(world.admin)
    for _ in range(3):
        client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()

    assert 'data-testid="preview-error"' in html
    assert "3 connection tests are already under way in this workspace" in html
    assert ConnectionTest.objects.count() == 3
    assert len(queue_only) == 3

    work(queue_only)  # once they are done, testing works again
    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()
    assert 'data-testid="preview-pending"' in html


def test_the_bound_is_per_workspace_and_counts_only_tests_under_way(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int], settings: Any
) -> None:
    settings.SOURCE_TEST_MAX_PENDING = 1
    client = world.client_for(world.admin)
    client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    # A test no worker took in time no longer holds its place.
    ConnectionTest.objects.update(queued_at=timezone.now() - dt.timedelta(hours=1))
    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()
    assert 'data-testid="preview-pending"' in html
    expired = ConnectionTest.objects.order_by("pk").first()
    assert expired is not None
    assert expired.status == RunStatus.FAILED
    assert expired.error.startswith("interrupted")


def test_the_api_refuses_a_test_beyond_the_bound_with_409(
    world: World, kpi: Kpi, deals_csv: Path, settings: Any
) -> None:

    settings.SOURCE_TEST_MAX_PENDING = 1
    api = SourceApi(token_for(world.admin))
    body = {
        "kind": "csv",
        "settings": {
            "location": str(deals_csv),
            "timestamp_column": "date",
            "value_column": "value",
        },
    }
    assert api.post(f"/kpis/{kpi.pk}/source/test", body).status_code == 202
    refused = api.post(f"/kpis/{kpi.pk}/source/test", body)
    assert refused.status_code == 409
    assert refused.json["detail"].startswith("1 connection tests are already under way")


def test_the_secrets_a_test_carried_are_emptied_when_it_ends(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    client = world.client_for(world.admin)
    client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv, p_headers=TOKEN), **HTMX
    )
    test = ConnectionTest.objects.get()
    assert test.sealed_secrets
    assert not any(part in test.sealed_secrets for part in TOKEN_PARTS)
    work(queue_only)
    test.refresh_from_db()
    assert test.sealed_secrets == ""


def test_without_javascript_the_result_page_reloads_until_the_test_is_done(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    client = world.client_for(world.admin)
    html = client.post(
        reverse("source_edit", args=[kpi.pk]), form_data(deals_csv, action="test")
    ).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="preview-follow"', html)
    assert link is not None
    waiting = client.get(link.group(1)).content.decode()
    assert '<meta http-equiv="refresh"' in waiting
    work(queue_only)
    done = client.get(link.group(1)).content.decode()
    assert '<meta http-equiv="refresh"' not in done
    assert 'data-testid="preview-rows"' in done


def test_another_workspaces_test_is_missing_and_an_editor_may_not_read_one(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    world.client_for(world.admin).post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    )
    url = reverse("source_test_result", args=[ConnectionTest.objects.get().pk])
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert world.client_for(world.editor).get(url).status_code == 403


def test_by_default_a_workspace_has_fewer_tests_under_way_than_the_worker_has_threads(
    settings: Any,
) -> None:
    from goalkeeper.core.management.commands.worker import Command

    del settings.SOURCE_TEST_MAX_PENDING
    threads = Command().create_parser("goalkeeper", "worker").parse_args([]).workers
    assert connection_tests.limit() < threads


def _running_since(test_id: int, queued: dt.datetime, started: dt.datetime) -> None:
    ConnectionTest.objects.filter(pk=test_id).update(
        status=RunStatus.RUNNING, queued_at=queued, started_at=started
    )


def test_a_running_test_holds_its_place_however_long_it_waited_in_the_queue(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int], settings: Any
) -> None:
    settings.SOURCE_TEST_MAX_PENDING = 1
    client = world.client_for(world.admin)
    client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    first = ConnectionTest.objects.get()
    now = timezone.now()
    # Queued long ago, taken by a worker a moment ago: the worker is still busy with it.
    _running_since(first.pk, now - dt.timedelta(hours=1), now - dt.timedelta(seconds=5))

    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()

    assert "1 connection tests are already under way in this workspace" in html
    first.refresh_from_db()
    assert first.status == RunStatus.RUNNING


def test_a_running_test_past_its_bound_frees_its_place(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int], settings: Any
) -> None:
    settings.SOURCE_TEST_MAX_PENDING = 1
    client = world.client_for(world.admin)
    client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    first = ConnectionTest.objects.get()
    started = timezone.now() - connection_tests.running_bound() - dt.timedelta(seconds=1)
    _running_since(first.pk, started, started)

    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()

    assert 'data-testid="preview-pending"' in html
    first.refresh_from_db()
    assert (first.status, first.error) == (
        RunStatus.FAILED,
        "interrupted: no worker finished this test in time",
    )


def test_a_worker_records_when_it_took_a_test(
    world: World, kpi: Kpi, deals_csv: Path, queue_only: list[int]
) -> None:
    client = world.client_for(world.admin)
    client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)
    work(queue_only)
    test = ConnectionTest.objects.get()
    assert test.started_at is not None
    assert test.queued_at <= test.started_at <= test.finished_at
