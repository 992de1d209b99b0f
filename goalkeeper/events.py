"""Domain events: what a service tells the rest of Goalkeeper about a write it made.

A service calls `emit` inside the transaction of its write. Subscribers (the webhooks app
today; notifications later) run at once, inside that same transaction, and may only write
rows there (an outbox): whatever leaves the process (an HTTP delivery, an email) is handed
to the worker with `transaction.on_commit`, so a rolled-back write sends nothing and a
committed one cannot lose its events. See docs/architecture.md ("Events").

This module sits below every app: it knows no model, only a workspace id, an event name
and a JSON-ready payload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """One thing that happened in a workspace, e.g. `objective.closed` with its payload."""

    workspace_id: int
    name: str
    payload: Mapping[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], object]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call `subscriber` with every event emitted from now on (once, however often asked)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop calling `subscriber`."""
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def emit(workspace_id: int, name: str, payload: Mapping[str, Any]) -> Event:
    """Tell every subscriber that `name` happened in the workspace; call it from services."""
    event = Event(workspace_id=workspace_id, name=name, payload=dict(payload))
    for subscriber in list(_subscribers):
        subscriber(event)
    return event


@contextmanager
def recorded() -> Iterator[list[Event]]:
    """Collect the events emitted inside the `with` block (for tests and checks)."""
    seen: list[Event] = []
    subscribe(seen.append)
    try:
        yield seen
    finally:
        unsubscribe(seen.append)
