"""`goalkeeper export`: a workspace, or part of it, in the open format (docs/format.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.accounts.models import Team
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.okrs.models import Cycle
from goalkeeper.portability.commands import workspace_named
from goalkeeper.portability.export import (
    FORMATS,
    Scope,
    dump,
    export_document,
    workspace_keys,
    write_measurements,
)


class Command(BaseCommand):
    help = "Print a workspace (or one cycle, or one team's subtree) as YAML or JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", default=None, help="workspace slug, when several")
        parser.add_argument("--cycle", default=None, help="only this cycle (its name)")
        parser.add_argument("--team", default=None, help="only this team's subtree (its key)")
        parser.add_argument("--format", choices=FORMATS, default="yaml", dest="fmt")
        parser.add_argument(
            "--with-measurements",
            default=None,
            metavar="DIR",
            help="also write each KPI's measurements as DIR/<kpi key>.csv",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        workspace = workspace_named(options["workspace"])
        cycle, team = options["cycle"], options["team"]
        if cycle is not None and not Cycle.objects.filter(workspace=workspace, name=cycle).exists():
            raise CommandError(f"--cycle: no cycle named {cycle!r}")
        if team is not None and team not in workspace_keys(workspace).teams.values():
            known = Team.objects.filter(workspace=workspace).count()
            raise CommandError(f"--team: no team {team!r} among the {known} teams")
        document = export_document(workspace, Scope(cycle=cycle, team=team))
        self.stdout.write(dump(document, options["fmt"]), ending="")
        if options["with_measurements"]:
            directory = Path(options["with_measurements"]).expanduser()
            count = write_measurements(document, workspace, directory)
            self.stderr.write(f"Wrote the measurements of {count} KPIs to {directory}.")
