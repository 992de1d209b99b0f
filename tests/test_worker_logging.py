"""The worker's console: routine job lines at DEBUG, what a person needs at INFO; and the
ready banner with the login comes last."""

from __future__ import annotations

import http.server
import logging
import threading

import pytest

from goalkeeper.core.logs import RoutineAtDebug
from goalkeeper.core.management.commands.serve import announce_when_ready


def record(name: str, level: int, message: str = "Executing job") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


@pytest.mark.parametrize("name", ["huey", "huey.consumer", "huey.consumer.Scheduler"])
def test_the_queues_job_lines_are_told_at_debug_and_hidden_at_info(name: str) -> None:
    line = record(name, logging.INFO)

    assert RoutineAtDebug("INFO").filter(line) is False
    assert line.levelname == "DEBUG"


def test_debug_shows_the_job_lines() -> None:
    assert RoutineAtDebug("DEBUG").filter(record("huey", logging.INFO)) is True


@pytest.mark.parametrize("level", [logging.WARNING, logging.ERROR, logging.CRITICAL])
def test_warnings_errors_and_failures_always_show(level: int) -> None:
    line = record("huey", level, "Unhandled exception in task")

    assert RoutineAtDebug("INFO").filter(line) is True
    assert line.levelno == level


def test_other_loggers_keep_their_info_lines() -> None:
    assert RoutineAtDebug("INFO").filter(record("goalkeeper.digests.tasks", logging.INFO))


def test_the_settings_put_the_filter_on_the_queues_logger() -> None:
    huey = logging.getLogger("huey")

    assert huey.propagate is False
    filters = [f for handler in huey.handlers for f in handler.filters]
    assert any(isinstance(f, RoutineAtDebug) for f in filters)
    handler = huey.handlers[0]
    assert not handler.filter(record("huey", logging.INFO, "x executed in 0.01s"))
    assert handler.filter(record("huey", logging.ERROR, "Unhandled exception in task"))


@pytest.fixture
def http_port():
    class Quiet(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_the_ready_banner_waits_for_the_server_and_the_worker(http_port: int) -> None:
    said: list[list[str]] = []
    worker_started = threading.Event()

    thread = announce_when_ready(
        "127.0.0.1", http_port, ["Log in"], said.append, after=worker_started, settle=0
    )
    thread.join(0.5)
    assert said == []  # the server answers, the worker has not said it started
    worker_started.set()
    thread.join(5)

    assert said == [["Log in"]]


def test_no_banner_when_the_server_never_answers() -> None:
    said: list[list[str]] = []

    thread = announce_when_ready("127.0.0.1", 9, ["Log in"], said.append, timeout=0.5, settle=0)
    thread.join(5)

    assert said == []
