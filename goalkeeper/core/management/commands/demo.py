"""`goalkeeper demo`: load the demo company (migrating first when needed)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.core.migrating import migrate_if_needed


class Command(BaseCommand):
    help = "Load a believable demo company: teams, people, cycles, OKRs, KPIs and their history."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people", type=int, default=None, help="scale the company to N people"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="delete the demo workspace first")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from goalkeeper.demo.services import DEMO_PASSWORD, demo_exists, load_demo

        if options["people"] is not None and options["people"] < 1:
            raise CommandError("--people: must be at least 1")
        migrate_if_needed(verbosity=options["verbosity"])
        existing = demo_exists()
        if existing and not options["reset"]:
            self.stdout.write("The demo company is already loaded (use --reset to load it anew).")
            admin_email = existing
        else:
            summary = load_demo(
                people=options["people"],
                seed=options["seed"],
                reset=options["reset"],
                progress=not options["no_progress"],
            )
            self.stdout.write(self.style.SUCCESS(summary.describe()))
            admin_email = summary.admin_email
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"  email:    {admin_email}")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
