"""`goalkeeper backup --output FILE`: the whole installation in one file, while it runs."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.backups.databases import BackupError
from goalkeeper.backups.services import make_backup


class Command(BaseCommand):
    help = (
        "Write a backup of this installation (database, data directory files, manifest) to "
        "FILE; safe while the app runs. Restore it with `goalkeeper restore FILE`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output", "-o", metavar="FILE", required=True, type=Path, help="the backup file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            manifest = make_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = output.stat().st_size
        self.stdout.write(
            f"Backed up the {manifest.database} database ({manifest.migration_count} "
            f"migrations applied) and {manifest.files} data file(s) to {output.resolve()} "
            f"({size:,} bytes). It holds the secret key and sealed secrets: keep it safe."
        )
