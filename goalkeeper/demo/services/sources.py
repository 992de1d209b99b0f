"""The demo company's data sources: a warehouse query, a helpdesk export, a push from the
deploy pipeline, and one integration that is down, so every state shows on day one.

The warehouse and the export are real files in SOURCE_FILE_ROOTS holding the same series
the demo stored, so the worker's first pulls of `make demo` succeed and change nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3
from pathlib import Path

from django.conf import settings

from goalkeeper.accounts.models import Workspace
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.sources.models import (
    DataSource,
    RunStatus,
    RunTrigger,
    SourceStatus,
    SyncRun,
)
from goalkeeper.sources.secrets import seal

# How much history the files hold: the sources' first pulls stay small.
DAYS = 120
# Named per workspace ("demo-warehouse-7.sqlite3"): a demo loaded again beside another, or
# a smaller one loaded for a try, must not rewrite the files the first one's sources read.
WAREHOUSE = "demo-warehouse-{workspace}.sqlite3"
EXPORT = "helpdesk-backlog-{workspace}.csv"
DOWN_URL = "http://127.0.0.1:9/v3/lists/newsletter/stats"
DOWN_ERROR = "could not connect to 127.0.0.1:9: connection refused"


def files_root() -> Path:
    root = Path(settings.SOURCE_FILE_ROOTS[0])
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_sources(workspace: Workspace, now: dt.datetime) -> int:
    """Attach the demo sources to the KPIs that exist; returns how many were made."""
    kpis = {kpi.name: kpi for kpi in Kpi.objects.filter(workspace=workspace)}
    made = 0
    if "Cash collected" in kpis:
        _warehouse(kpis["Cash collected"], now)
        made += 1
    if "Ticket backlog" in kpis:
        _export(kpis["Ticket backlog"], now)
        made += 1
    if "Deploys per week" in kpis:
        _source(kpis["Deploys per week"], "push", {}, {}, now, interval=60)
        made += 1
    if "Newsletter subscribers" in kpis:
        _down(kpis["Newsletter subscribers"], now)
        made += 1
    return made


def _draft(path: Path) -> Path:
    """Where this process writes `path` before moving it in place: two loads at once (two
    test processes) never open a file the other is replacing."""
    return path.with_name(f".{path.name}.{os.getpid()}")


def _recent(kpi: Kpi, now: dt.datetime) -> list[tuple[dt.datetime, float]]:
    return list(
        Measurement.objects.filter(kpi=kpi, timestamp__gte=now - dt.timedelta(days=DAYS))
        .order_by("timestamp")
        .values_list("timestamp", "value")
    )


def _source(
    kpi: Kpi,
    kind: str,
    values: dict[str, str],
    secrets: dict[str, str],
    now: dt.datetime,
    *,
    interval: int,
) -> DataSource:
    pulled = kind != "push"
    return DataSource.objects.create(
        workspace=kpi.workspace,
        kpi=kpi,
        kind=kind,
        settings=values,
        sealed_secrets=seal(secrets),
        interval_minutes=interval,
        next_run_at=now if pulled else None,
        created_at=now - dt.timedelta(days=DAYS),
    )


def _warehouse(kpi: Kpi, now: dt.datetime) -> None:
    path = files_root() / WAREHOUSE.format(workspace=kpi.workspace_id)
    draft = _draft(path)
    draft.unlink(missing_ok=True)
    with sqlite3.connect(draft) as db:
        db.execute("CREATE TABLE payments (paid_on TEXT PRIMARY KEY, amount REAL NOT NULL)")
        db.executemany(
            "INSERT INTO payments VALUES (?, ?)",
            [(at.date().isoformat(), value) for at, value in _recent(kpi, now)],
        )
    db.close()
    draft.replace(path)
    query = (
        "SELECT paid_on AS timestamp, amount AS value\n"
        "FROM payments\n"
        "WHERE paid_on >= date(:since)\n"
        "ORDER BY paid_on"
    )
    _source(kpi, "sql", {"url": f"sqlite:///{path}", "query": query}, {}, now, interval=60)


def _export(kpi: Kpi, now: dt.datetime) -> None:
    path = files_root() / EXPORT.format(workspace=kpi.workspace_id)
    draft = _draft(path)
    with draft.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "open_tickets"])
        writer.writerows((at.date().isoformat(), round(v)) for at, v in _recent(kpi, now))
    draft.replace(path)
    values = {
        "location": str(path),
        "timestamp_column": "date",
        "value_column": "open_tickets",
        "date_format": "iso",
    }
    _source(kpi, "csv", values, {}, now, interval=15)


def _down(kpi: Kpi, now: dt.datetime) -> None:
    values = {"url": DOWN_URL, "value_path": "$.stats.member_count"}
    secrets = {"headers": "Authorization: Bearer demo-newsletter-api-key-7Hq2"}
    source = _source(kpi, "http_json", values, secrets, now, interval=60)
    # Three failures in a row, an hour apart: broken, and red on its owner's pages.
    for hours in (3, 2, 1):
        at = now - dt.timedelta(hours=hours)
        SyncRun.objects.create(
            source=source,
            workspace=kpi.workspace,
            trigger=RunTrigger.SCHEDULE,
            status=RunStatus.FAILED,
            due_at=at,
            queued_at=at,
            started_at=at,
            finished_at=at + dt.timedelta(seconds=2),
            error=DOWN_ERROR,
        )
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.BROKEN,
        consecutive_failures=3,
        last_run_at=now - dt.timedelta(hours=1),
        last_success_at=now - dt.timedelta(days=2),
        last_error=DOWN_ERROR,
        next_run_at=now + dt.timedelta(minutes=60),
    )
