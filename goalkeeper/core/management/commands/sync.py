"""`goalkeeper sync [--kpi ID] [--all]`: pull data sources now, in the foreground."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db.models import QuerySet
from django.utils import timezone
from tqdm import tqdm

from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.sources import services
from goalkeeper.sources.connectors import pulled_kinds
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SyncRun


class Command(BaseCommand):
    help = (
        "Pull data sources now and print a summary. Without options, the sources whose "
        "schedule is due; --all every active pulled source; --kpi one KPI's source."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--kpi", type=int, metavar="ID", help="sync the source of this KPI")
        which.add_argument("--all", action="store_true", help="sync every active source")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        sources = list(self._sources(options).select_related("kpi__workspace"))
        if options["kpi"] is not None and not sources:
            raise CommandError(f"kpi: KPI {options['kpi']} has no data source")
        queued: list[tuple[DataSource, SyncRun]] = []
        busy: list[DataSource] = []
        for source in sources:
            try:
                run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
            except services.SyncInProgressError:
                busy.append(source)
            else:
                queued.append((source, run))
        bar = tqdm(
            queued,
            unit="source",
            disable=options["no_progress"] or not queued,
            file=_Unended(self.stderr),
        )
        finished: list[tuple[DataSource, SyncRun]] = []
        for source, run in bar:
            bar.set_description(source.kpi.name[:30])
            done = services.execute(run.pk)
            if done is None:  # another worker took it meanwhile
                busy.append(source)
            else:
                finished.append((source, done))
        self._summary(finished, busy)
        if any(run.status == RunStatus.FAILED for _, run in finished):
            raise CommandError("some sources failed (see above)")

    def _sources(self, options: dict[str, Any]) -> QuerySet[DataSource]:
        pulled = pulled_kinds()
        sources = DataSource.objects.filter(kind__in=pulled).order_by("pk")
        if options["kpi"] is not None:
            source = DataSource.objects.filter(kpi_id=options["kpi"]).first()
            if source is not None and source.kind not in pulled:
                raise CommandError(
                    f"kpi: KPI {options['kpi']} is pushed over the API; nothing to pull"
                )
            return sources.filter(kpi_id=options["kpi"])
        if options["all"]:
            return sources.filter(is_active=True)
        return sources.filter(is_active=True, next_run_at__lte=timezone.now())

    def _summary(self, runs: list[tuple[DataSource, SyncRun]], busy: list[DataSource]) -> None:
        if not runs and not busy:
            self.stdout.write("Nothing to sync.")
            return
        created = sum(run.rows_created for _, run in runs)
        updated = sum(run.rows_updated for _, run in runs)
        failed = [run for _, run in runs if run.status == RunStatus.FAILED]
        # The names come from the sources read up front: a run re-read after execution has
        # dropped its relations, and reading them again would cost two queries per source.
        for source, run in runs:
            name = source.kpi.name
            if run.status == RunStatus.FAILED:
                self.stdout.write(self.style.ERROR(f"✗ {name}: {run.error}"))
            else:
                self.stdout.write(
                    f"✓ {name}: {run.rows_fetched} rows, {run.rows_created} new, "
                    f"{run.rows_updated} updated"
                )
        for source in busy:
            self.stdout.write(f"… {source.kpi.name}: already syncing elsewhere, skipped")
        style = self.style.ERROR if failed else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{len(runs) - len(failed)} synced, {len(failed)} failed, {len(busy)} skipped: "
                f"{created} values created, {updated} updated."
            )
        )


class _Unended:
    """The command's stderr as tqdm needs it: written as is. (A command's OutputWrapper ends
    every write with a newline, which would print each redraw of the bar on a new line.)"""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()
