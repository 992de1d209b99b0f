"""`goalkeeper serve`: the web app (and, with --with-worker, the background worker)."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goalkeeper.core import servers
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.core.staticfiles import collect_if_stale
from goalkeeper.demo.services import DEMO_PASSWORD, demo_exists


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve Goalkeeper over HTTP: gunicorn with one process per core (waitress where "
        "gunicorn cannot run). Migrates and collects static files first when needed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=positive,
            default=None,
            help=f"web processes (default: one per core, here {servers.default_workers()})",
        )
        parser.add_argument(
            "--threads", type=positive, default=8, help="request threads in each process"
        )
        parser.add_argument(
            "--server",
            choices=["auto", "gunicorn", "waitress"],
            default="auto",
            help="auto: gunicorn, or waitress where gunicorn cannot run (Windows)",
        )
        parser.add_argument(
            "--with-worker", action="store_true", help="also run `goalkeeper worker` alongside"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            chosen = servers.plan(options["server"], options["workers"], options["threads"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        migrate_if_needed(verbosity=options["verbosity"])
        if collect_if_stale():
            self.stdout.write(f"Static files collected into {settings.STATIC_ROOT}.")
        # Imported after collecting: WhiteNoise lists STATIC_ROOT when the app is built.
        from goalkeeper.wsgi import application

        worker = None
        started = threading.Event()
        if options["with_worker"]:
            # A child process rather than a thread: huey's consumer wants its own signals.
            # Its output is relayed, so that the ready banner waits for its start line.
            worker = subprocess.Popen(
                [sys.executable, "-u", "-m", "goalkeeper.cli", "worker"],
                stdout=subprocess.PIPE,
                text=True,
            )
            relay(worker, self.stdout, started)
        else:
            started.set()
        host, port = options["host"], options["port"]
        self.stdout.write(self.style.SUCCESS(f"Goalkeeper is running at http://{host}:{port}/"))
        self.stdout.write(chosen.describe())
        self.stdout.write(f"Data directory: {settings.DATA_DIR}. Press Ctrl+C to stop.")
        self.stdout.flush()
        # Said last, once the processes have told their start: where to go and how to log in.
        announce_when_ready(
            host, port, self._ready_lines(host, port), self._announce, after=started
        )
        try:
            if chosen.server == "gunicorn":
                servers.run_gunicorn(application, host, port, chosen.workers, chosen.threads)
            else:
                servers.run_waitress(application, host, port, chosen.threads)
        finally:
            if worker is not None:
                stop_child(worker)

    def _ready_lines(self, host: str, port: int) -> list[str]:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
        lines = [f"Goalkeeper is ready: open http://{shown}:{port}/"]
        demo_admin = demo_exists()
        if demo_admin:
            lines.append(f"Log in as {demo_admin} with the password {DEMO_PASSWORD}")
        return lines

    def _announce(self, lines: list[str]) -> None:
        rule = "=" * max(len(line) + 4 for line in lines)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(rule))
        for line in lines:
            self.stdout.write(self.style.SUCCESS(f"  {line}"))
        self.stdout.write(self.style.SUCCESS(rule))
        self.stdout.write("")
        self.stdout.flush()


# How long the processes get to tell their own start once the server answers.
SETTLE_SECONDS = 1.5


def announce_when_ready(
    host: str,
    port: int,
    lines: list[str],
    say: Callable[[list[str]], None],
    *,
    after: threading.Event | None = None,
    timeout: float = 120.0,
    settle: float = SETTLE_SECONDS,
) -> threading.Thread:
    """Say `lines` once the server answers its health check, a moment after the web
    processes (and the worker, once `after` is set) have printed their own start lines, so
    that they come last."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104

    def answers() -> bool:
        # Any answer will do (a redirect to HTTPS, a host the settings refuse): a web
        # process is serving.
        connection = http.client.HTTPConnection(shown, port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            connection.close()

    def wait() -> None:
        deadline = time.monotonic() + timeout
        while not answers():
            if time.monotonic() > deadline:
                return
            time.sleep(0.25)
        if after is not None:
            after.wait(max(deadline - time.monotonic(), 0))
        time.sleep(settle)
        say(lines)

    thread = threading.Thread(target=wait, name="announce-ready", daemon=True)
    thread.start()
    return thread


def relay(child: subprocess.Popen[str], out: Any, started: threading.Event) -> threading.Thread:
    """Copy the child's output to `out`, line by line; set `started` at its first line."""

    def copy() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            out.write(line.rstrip("\n"))
            out.flush()
            started.set()
        started.set()

    thread = threading.Thread(target=copy, name="worker-output", daemon=True)
    thread.start()
    return thread


def stop_child(process: subprocess.Popen[Any]) -> None:
    """Stop the worker child: politely, then for good if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
