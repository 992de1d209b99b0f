"""SQLite under write load: a writer that finds the database locked waits, retries and
succeeds, or gives up after a bounded number of tries with a clear error.

The contention is real: a script (`contend.py`) runs against a SQLite file in a fresh data
directory while a second connection holds the write lock, and a service write runs in
another thread. The in-memory test database cannot show this (it has no busy timeout).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from typing import Any

import pytest

from goalkeeper.db.sqlite.base import LockRetry, is_lock_error, retrying


@pytest.fixture(scope="module")
def contended(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["GOALKEEPER_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    # Scenario 1: the lock is held for 1 s, five times the busy timeout, and up to 20
    # retries are allowed. Scenario 2: the lock is never released while 3 retries run out.
    result = subprocess.run(
        [sys.executable, "-m", "tests.db.contend", "1.0", "20", "600", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_service_write_waits_for_the_lock_and_succeeds(
    contended: list[dict[str, Any]],
) -> None:
    first = contended[0]
    assert first["error"] is None
    assert first["written"]
    # It waited out the busy timeout at least once, and BEGIN was tried again.
    assert first["logged_retries"] >= 1


def test_a_database_locked_for_good_gives_up_with_a_clear_error(
    contended: list[dict[str, Any]],
) -> None:
    second = contended[1]
    assert second["error"].startswith("django.db.utils.OperationalError: database is locked")
    assert "4 attempts" in second["error"]
    assert "nothing was written" in second["error"]
    assert second["logged_retries"] == 3
    assert not second["written"]


def locked() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = 5  # type: ignore[attr-defined]
    return error


def test_retrying_tries_again_only_on_a_lock_error() -> None:
    calls: list[int] = []

    def twice_locked() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise locked()
        return "done"

    policy = LockRetry(retries=5, first_pause=0.001, pause_cap=0.001)
    assert retrying(twice_locked, policy, "BEGIN IMMEDIATE") == "done"
    assert len(calls) == 3

    def broken() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: nowhere")

    calls.clear()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retrying(broken, policy, "SELECT")
    assert len(calls) == 1


def test_lock_errors_are_told_by_code_or_message() -> None:
    assert is_lock_error(locked())
    assert is_lock_error(sqlite3.OperationalError("database is busy"))
    assert not is_lock_error(sqlite3.OperationalError("disk I/O error"))


def test_the_pause_grows_and_stays_capped() -> None:
    policy = LockRetry(first_pause=0.05, pause_cap=1.0)
    assert all(0 <= policy.pause(n) <= min(1.0, 0.05 * 2**n) for n in range(12))
