"""`goalkeeper report`: a cycle's review as a PDF, PowerPoint or Excel file (docs/reports.md)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.accounts.commands import workspace_named
from goalkeeper.accounts.models import Team, Workspace
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.okrs.models import Cycle, CycleState
from goalkeeper.reports.exports import FORMATS, review_file


class Command(BaseCommand):
    help = "Write a cycle's review as a PDF, PowerPoint or Excel file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--cycle",
            required=True,
            help="the cycle's name (e.g. 2026-Q3), 'active' or 'last-closed'",
        )
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--workspace", default=None, help="workspace slug, when several")
        parser.add_argument("--team", default=None, help="a team's slug: that team's subtree")

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        output = Path(options["output"]).expanduser()
        _check_writable(output)
        workspace = workspace_named(options["workspace"])
        cycle = _cycle(workspace, options["cycle"])
        team_id = _team(workspace, options["team"]) if options["team"] else None
        content = review_file(options["fmt"], workspace, cycle, workspace.clock(), team_id)
        _write(output, content)
        self.stderr.write(f"Wrote the {cycle.name} review ({options['fmt']}) to {output}.")


def _cycle(workspace: Workspace, name: str) -> Cycle:
    cycles = Cycle.objects.filter(workspace=workspace)
    if name == "active":
        found = cycles.filter(state=CycleState.ACTIVE).order_by("-start_date", "-id").first()
        if found is None:
            raise CommandError("--cycle: there is no active cycle")
        return found
    if name == "last-closed":
        found = cycles.filter(state=CycleState.CLOSED).order_by("-end_date", "-id").first()
        if found is None:
            raise CommandError("--cycle: no cycle is closed yet")
        return found
    found = cycles.filter(name=name).first()
    if found is None:
        known = ", ".join(cycles.order_by("start_date").values_list("name", flat=True))
        raise CommandError(
            f"--cycle: no cycle named {name!r}; the cycles are: {known or 'none'} "
            "(or 'active', 'last-closed')"
        )
    return found


def _team(workspace: Workspace, slug: str) -> int:
    found = Team.objects.filter(workspace=workspace, slug=slug).values_list("pk", flat=True).first()
    if found is None:
        raise CommandError(f"--team: no team with the slug {slug!r}")
    return found


def _check_writable(output: Path) -> None:
    # Checked before the review is worked out, so a typo fails at once.
    folder = output.parent if str(output.parent) else Path()
    if output.is_dir():
        raise CommandError(f"--output: {output} is a directory; name a file")
    if not folder.is_dir():
        raise CommandError(f"--output: the folder {folder} does not exist")
    # A file actually made and removed: permission bits alone say yes to root, even on a
    # read-only file system.
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".report-"):
            pass
    except OSError as error:
        raise CommandError(f"--output: cannot write in {folder} ({error.strerror})") from None


def _write(output: Path, content: bytes) -> None:
    # A temporary file in the same folder, renamed over the target: a reader never sees a
    # half-written file, and a failure leaves nothing behind.
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".report-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CommandError(f"--output: cannot write {output}: {exc.strerror}") from exc
