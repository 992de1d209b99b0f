"""SQLite where a writer waits for the write lock instead of failing.

SQLite lets one writer at a time hold the write lock. Every transaction here starts with
`BEGIN IMMEDIATE` (settings), so a writer takes the lock before it reads anything, and the
busy timeout makes it wait for the lock. SQLite's busy handler polls with no queue, though:
under a crowd of writers an unlucky one can wait out its whole timeout and get "database is
locked". At that point nothing was written: a `BEGIN`, or a single statement run outside a
transaction, fails as a whole. So such a statement is tried again, after a pause that grows
each time (with jitter, so that the waiters do not wake together), a bounded number of
times; then the error says the database stayed locked and for how long. A statement inside
a transaction is never retried here: the transaction may have written already, and its
caller must see the error. See docs/operations.md.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.backends.sqlite3 import base

logger = logging.getLogger("goalkeeper.db")

T = TypeVar("T")

# SQLITE_BUSY and SQLITE_LOCKED, the primary result codes (the low byte of extended ones).
_LOCK_CODES = frozenset({5, 6})


@dataclass(frozen=True)
class LockRetry:
    """How a statement that found the database locked is tried again."""

    retries: int = 6
    # The pause before retry n is drawn uniformly from [0, min(cap, first * 2**n)] seconds
    # ("full jitter"): waiters spread out instead of polling in step.
    first_pause: float = 0.05
    pause_cap: float = 1.0

    def pause(self, retry: int) -> float:
        return random.uniform(0, min(self.pause_cap, self.first_pause * 2**retry))


def is_lock_error(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _LOCK_CODES
    message = str(error)
    return "database is locked" in message or "database is busy" in message


def retrying(attempt: Callable[[], T], policy: LockRetry, what: str) -> T:
    """Run `attempt`, again after a pause each time SQLite answers that it is locked."""
    started = time.monotonic()
    for retry in range(policy.retries + 1):
        try:
            return attempt()
        except sqlite3.OperationalError as error:
            if not is_lock_error(error):
                raise
            if retry == policy.retries:
                waited = time.monotonic() - started
                raise sqlite3.OperationalError(
                    f"database is locked: another writer held the write lock through "
                    f"{policy.retries + 1} attempts over {waited:.1f} s ({what}); nothing "
                    f"was written. Try again later; see docs/operations.md."
                ) from error
            pause = policy.pause(retry)
            logger.warning(
                "database is locked (%s): attempt %d of %d, trying again in %.0f ms",
                what,
                retry + 1,
                policy.retries + 1,
                pause * 1000,
            )
            time.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


class RetryingCursor(base.SQLiteCursorWrapper):
    """Retries a statement that runs outside a transaction (a BEGIN, an autocommit write).

    `executemany` is left alone: outside a transaction each of its rows commits on its own,
    so a retry after a failure midway would write the first rows twice.
    """

    lock_retry: LockRetry = LockRetry()

    def execute(self, query: str, params: Any = None) -> Any:
        if self.connection.in_transaction:
            return super().execute(query, params)
        run = super().execute
        return retrying(lambda: run(query, params), self.lock_retry, _name(query))


def _name(query: str) -> str:
    """The statement's first words, for the log and the error (never its values)."""
    return " ".join(query.split()[:2])


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's SQLite backend with `RetryingCursor`.

    OPTIONS takes, besides Django's own, `lock_retries` (how many times a locked statement
    is tried again) and `lock_first_pause` / `lock_pause_cap` (seconds).
    """

    lock_retry: LockRetry = LockRetry()

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        defaults = LockRetry()
        self.lock_retry = LockRetry(
            retries=int(params.pop("lock_retries", defaults.retries)),
            first_pause=float(params.pop("lock_first_pause", defaults.first_pause)),
            pause_cap=float(params.pop("lock_pause_cap", defaults.pause_cap)),
        )
        return params

    def create_cursor(self, name: str | None = None) -> RetryingCursor:
        cursor: RetryingCursor = self.connection.cursor(factory=RetryingCursor)
        cursor.lock_retry = self.lock_retry
        return cursor
