"""`goalkeeper digests --now [--dry-run] [--workspace SLUG] [--html DIR]`: this week's
reminders and digests, at once, for operators (docs/operations.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from goalkeeper.accounts.models import Workspace
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.digests import sending
from goalkeeper.domain.rhythm import week_of


class Command(BaseCommand):
    help = (
        "Send this week's check-in reminders and digests now, whatever their schedule; what "
        "was already sent this week is not sent again. --dry-run prints what would go."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="send this week's reminders and digests now"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; write nothing"
        )
        parser.add_argument("--workspace", metavar="SLUG", help="only this workspace")
        parser.add_argument(
            "--kind",
            action="append",
            choices=sending.KINDS,
            help="only this kind (repeatable); default: every kind the schedule enables",
        )
        parser.add_argument(
            "--html", metavar="DIR", type=Path, help="with --dry-run: write each message here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            raise CommandError("now: say --now to send this week's digests at once")
        if options["html"] is not None and not options["dry_run"]:
            raise CommandError("html: --html writes previews, so it needs --dry-run")
        migrate_if_needed(verbosity=0)
        workspaces = Workspace.objects.order_by("id")
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"workspace: no workspace {options['workspace']!r}")
        now = timezone.now()
        report = sending.Report()
        for workspace in workspaces:
            schedule = sending.schedule_of(workspace)
            kinds = [
                kind
                for kind in options["kind"] or sending.KINDS
                if options["kind"] or schedule.enabled(kind)
            ]
            week = week_of(now, workspace.zone)
            done = sending.run_round(
                workspace,
                kinds,
                week,
                now,
                dry_run=options["dry_run"],
                html_dir=options["html"],
            )
            self._print(workspace, week.label, done)
            report.extend(done)
        self._summary(report, options["dry_run"])
        if report.failed:
            raise CommandError("some messages failed (see above); the next run retries them")

    def _print(self, workspace: Workspace, week: str, report: sending.Report) -> None:
        self.stdout.write(f"{workspace.name} ({workspace.slug}), week {week}:")
        for outcome in report.outcomes:
            if outcome.status == "skipped" and outcome.reason == "nothing to say":
                continue
            team = f" ({outcome.team_name})" if outcome.team_name else ""
            reason = f": {outcome.reason}" if outcome.reason else ""
            self.stdout.write(
                f"  {outcome.status:<10} {outcome.kind}{team} to {outcome.person_name}"
                f"{reason} - {outcome.subject}"
            )

    def _summary(self, report: sending.Report, dry_run: bool) -> None:
        skipped = report.skipped()
        why = ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
        would = sum(1 for o in report.outcomes if o.status == "would send")
        first = f"{would} would be sent" if dry_run else f"{report.sent} sent"
        if report.posted:
            first += f", {report.posted} posted to chat"
        line = f"{first}, {report.failed} failed, {sum(skipped.values())} skipped"
        style = self.style.ERROR if report.failed else self.style.SUCCESS
        self.stdout.write(style(line + (f" ({why})." if why else ".")))
