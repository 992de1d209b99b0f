"""`goalkeeper worker`: runs background jobs (huey consumer)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: scheduled syncs, webhooks, notifications."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--max-delay",
            type=float,
            default=1.0,
            help="longest pause between two looks at an empty queue, in seconds",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS("Goalkeeper worker started."))
        call_command(
            "run_huey",
            workers=options["workers"],
            worker_type="thread",
            max_delay=options["max_delay"],
        )
