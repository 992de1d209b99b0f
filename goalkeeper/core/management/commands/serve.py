"""`goalkeeper serve`: the web app (and, with --with-worker, the background worker)."""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from goalkeeper.core.migrating import migrate_if_needed


class Command(BaseCommand):
    help = "Serve Goalkeeper over HTTP (migrates first when needed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--with-worker", action="store_true", help="also run `goalkeeper worker` alongside"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from goalkeeper.wsgi import application

        migrate_if_needed(verbosity=options["verbosity"])
        worker = None
        if options["with_worker"]:
            # A child process rather than a thread: huey's consumer wants its own signals.
            worker = subprocess.Popen([sys.executable, "-m", "goalkeeper.cli", "worker"])
        host, port = options["host"], options["port"]
        self.stdout.write(self.style.SUCCESS(f"Goalkeeper is running at http://{host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}. Press Ctrl+C to stop.")
        try:
            serve(application, host=host, port=port, threads=options["threads"], ident="goalkeeper")
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
