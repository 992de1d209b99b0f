"""The admin page of the backup ledger: the runs of scheduled backups and the settings that
drive them (docs/operations.md, "Scheduled backups")."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import admin_required
from goalkeeper.accounts.models import Person
from goalkeeper.backups import queries
from goalkeeper.backups.models import BackupRun


@dataclass(frozen=True)
class RunRow:
    run: BackupRun
    seconds: float | None


@require_GET
@admin_required
def backup_runs(request: HttpRequest, person: Person) -> HttpResponse:
    """The scheduled backups of this installation, newest first, a page at a time."""
    page = queries.runs_page(request.GET.get("page"))
    rows = [RunRow(run, queries.seconds_taken(run)) for run in page.object_list]
    return render(
        request,
        "backups/runs.html",
        {"workspace": person.workspace, "page": page, "rows": rows, "setup": queries.setup()},
    )
