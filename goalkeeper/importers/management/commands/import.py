# ruff: noqa: N999  (the command is `goalkeeper import`: Django names it by its module)
"""`goalkeeper import FILE`: show the plan, then apply it in one transaction.

A YAML or JSON file is the open format (docs/format.md); a CSV or XLSX file, or any file
`--from` names a source for, is converted first (docs/importers.md).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.importers.pipeline import OPEN_FORMAT, prepare
from goalkeeper.importers.registry import IMPORTERS
from goalkeeper.portability.commands import admin_of, workspace_named
from goalkeeper.portability.document import DocumentError
from goalkeeper.portability.services import import_and_invite, import_document

# An import file larger than this is refused before it is read (a 10,000-person company's
# document with its check-ins is about 50 MB).
MAX_FILE = 100_000_000


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, equals, name = pair.partition("=")
        if not equals or not column.strip():
            raise CommandError(f"--map: {pair!r} is not COLUMN=field (an empty field ignores it)")
        mapping[column.strip()] = name.strip()
    return mapping


class Command(BaseCommand):
    help = (
        "Import a YAML or JSON document, a CSV or XLSX file of key results, or another "
        "tool's export: show the plan, then apply it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the file (YAML, JSON, CSV or XLSX)")
        parser.add_argument(
            "--from",
            dest="source",
            default=None,
            choices=(OPEN_FORMAT, *sorted(IMPORTERS)),
            help="what the file is; by default read from its name (.yaml/.json: the open "
            "format, .csv/.xlsx: one row per key result)",
        )
        parser.add_argument(
            "--map",
            dest="mapping",
            action="append",
            default=[],
            metavar="COLUMN=field",
            help="the field a column holds, instead of the guess (repeat for each column)",
        )
        parser.add_argument("--workspace", default=None, help="workspace slug, when several")
        parser.add_argument("--dry-run", action="store_true", help="show the plan only")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete the objectives, key results and KPIs the file no longer has",
        )
        parser.add_argument("--as", dest="actor", default=None, help="the admin importing")
        parser.add_argument("--verbose-plan", action="store_true", help="list every change")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="email the people the import adds their invitation, once it is committed",
        )
        parser.add_argument(
            "--with-measurements",
            dest="measurements",
            default=None,
            metavar="DIR",
            help="also read each KPI's values from DIR/<kpi key>.csv, as export wrote them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        path = Path(options["file"]).expanduser()
        mapping = _mapping(options["mapping"])
        try:
            if path.stat().st_size > MAX_FILE:
                raise CommandError(f"{path}: is larger than 100 MB")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error})") from None
        directory = None
        if options["measurements"] is not None:
            directory = Path(options["measurements"]).expanduser()
            if not directory.is_dir():
                raise CommandError(f"--with-measurements: {directory} is not a directory")
        workspace = workspace_named(options["workspace"])
        actor = admin_of(workspace, options["actor"])
        try:
            prepared = prepare(
                workspace,
                data,
                str(path),
                source=options["source"],
                mapping=mapping or None,
                prune=options["prune"],
                measurements=directory,
            )
            for warning in prepared.warnings:
                self.stderr.write(f"Warning: {warning}")
            plan = prepared.plan
            if options["verbose_plan"]:
                for step in plan.steps:
                    self.stdout.write(f"  {step}")
            self.stdout.write(f"Plan: {plan.summary()}.")
            if options["dry_run"] or plan.empty:
                return
            invited = 0
            if options["invite"]:
                invited = import_and_invite(plan, workspace=workspace, actor=actor)
            else:
                import_document(plan, workspace=workspace, actor=actor)
        except DocumentError as error:
            raise CommandError(f"nothing was imported:\n{error}") from None
        self.stdout.write(f"Imported {path} into {workspace.slug}.")
        if invited:
            self.stdout.write(f"Invitations sent: {invited}.")
