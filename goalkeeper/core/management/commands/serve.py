"""`goalkeeper serve`: the web app (and, with --with-worker, the background worker)."""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goalkeeper.core import servers
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.core.staticfiles import collect_if_stale


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
        if options["with_worker"]:
            # A child process rather than a thread: huey's consumer wants its own signals.
            worker = subprocess.Popen([sys.executable, "-m", "goalkeeper.cli", "worker"])
        host, port = options["host"], options["port"]
        self.stdout.write(self.style.SUCCESS(f"Goalkeeper is running at http://{host}:{port}/"))
        self.stdout.write(chosen.describe())
        self.stdout.write(f"Data directory: {settings.DATA_DIR}. Press Ctrl+C to stop.")
        self.stdout.flush()
        try:
            if chosen.server == "gunicorn":
                servers.run_gunicorn(application, host, port, chosen.workers, chosen.threads)
            else:
                servers.run_waitress(application, host, port, chosen.threads)
        finally:
            if worker is not None:
                stop_child(worker)


def stop_child(process: subprocess.Popen[bytes]) -> None:
    """Stop the worker child: politely, then for good if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
