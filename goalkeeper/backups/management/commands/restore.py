"""`goalkeeper restore FILE`: a backup into an empty installation, migrated to this version."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goalkeeper.backups.databases import BackupError
from goalkeeper.backups.services import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `goalkeeper backup` into an empty data directory and "
        "an empty database (DATABASE_URL), then migrate it to this version."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", type=Path, help="the backup file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore_backup(options["file"], migrate_verbosity=options["verbosity"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} (Goalkeeper {manifest.app_version}, "
            f"{manifest.database}) into {settings.DATA_DIR}: the database and "
            f"{restored.files} data file(s); {restored.migrations_applied} migration(s) "
            "applied since."
        )
        if not manifest.secret_key_file:
            self.stdout.write(
                "The original set SECRET_KEY in its environment: set the same value here, or "
                "sessions end and sealed secrets (data sources, webhooks) cannot be read."
            )
