"""Webhook tests: huey runs tasks at once, and a tiny worker loop runs the scheduled ones."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from huey.contrib.djhuey import HUEY

from goalkeeper.accounts.models import Workspace
from goalkeeper.events import Event
from goalkeeper.webhooks.models import Delivery
from goalkeeper.webhooks.services import queue_deliveries
from tests.api.conftest import (  # noqa: F401 - shared fixtures
    _keep_the_test_connection,
    admin_api,
    api_for,
    editor_api,
    now,
)


@pytest.fixture
def huey_immediate() -> Iterator[None]:
    """Tasks run when enqueued; retries go to huey's (in-memory) schedule."""
    before = HUEY.immediate
    HUEY.immediate = True
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()
    HUEY.immediate = before


@pytest.fixture
def fast_backoff(settings) -> float:
    """A first retry after 0.2 s (then 0.4 s, 0.8 s...) instead of 30 s."""
    settings.WEBHOOK_BACKOFF_SECONDS = 0.2
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    return 0.2


def run_worker(until: Callable[[], bool], timeout: float = 10.0) -> None:
    """What the worker's scheduler does: run each scheduled task once it is due."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        for task in HUEY.read_schedule():
            HUEY.execute(task)
        time.sleep(0.01)


def emit(workspace: Workspace, name: str, payload: dict[str, object]) -> list[Delivery]:
    """An event as a service emits it, straight to the webhooks' subscriber."""
    return queue_deliveries(Event(workspace_id=workspace.pk, name=name, payload=payload))
