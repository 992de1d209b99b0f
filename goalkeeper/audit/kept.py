"""Answers kept per process while nothing is written in a workspace.

Every write leaves an audit entry, so the newest entry of a workspace names the state of its
data: an answer worked out from that state holds until a newer entry appears. Read models
whose figures take long to work out on a large company (a cycle's standings, its insights)
keep their last few answers here, keyed by that entry and whatever else they depend on (the
minute, when pace moves with the clock). See docs/okrs.md#cycle-board.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from goalkeeper.audit.models import AuditEntry

T = TypeVar("T")

# Every store made here, so that tests can empty them all between two tests.
_stores: list[Kept[object]] = []


def newest_audit_entry(workspace_id: int) -> int | None:
    """The id of the workspace's newest audit entry (one query): what its data looks like."""
    return (
        AuditEntry.objects.filter(workspace_id=workspace_id)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
        .first()
    )


class Kept(Generic[T]):
    """The last `size` answers, by key, shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        _stores.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, work: Callable[[], T]) -> T:
        """The answer kept under `key`, else `work()`'s, kept for next time."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = work()
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def forget(self) -> None:
        """Drop every answer."""
        with self._lock:
            self._answers.clear()


def forget_all() -> None:
    """Drop every answer of every store (tests whose ids and clock repeat)."""
    for store in _stores:
        store.forget()
