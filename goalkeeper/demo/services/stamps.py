"""The demo's `created_at` and `updated_at`: each row's last change in the company's story.

Rows are written in bulk at load time; left alone they would all say they changed at that
moment, and a client syncing the demo (`updated_since`, `GET /changes`) would see every row
changed at once. They are dated from the story instead, never after the demo's now.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Min
from django.db.models.functions import Coalesce, Greatest

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.comments.models import Comment
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Cycle, KeyResult
from goalkeeper.sources.models import DataSource


def date_changes(workspace: Workspace, now: dt.datetime) -> None:
    """Date every demo row's `updated_at` (and a cycle's `created_at`) from its story."""
    for cycle in Cycle.objects.filter(workspace=workspace).annotate(
        first=Min("objectives__created_at")
    ):
        created = min(cycle.first or now, now)
        changed = max(created, cycle.closed_at or created)
        Cycle.objects.filter(pk=cycle.pk).update(created_at=created, updated_at=changed)
    KeyResult.objects.filter(workspace=workspace).update(
        updated_at=Greatest("created_at", Coalesce("last_check_in_at", "created_at"))
    )
    Kpi.objects.filter(workspace=workspace).update(
        updated_at=Greatest("created_at", Coalesce("archived_at", "created_at"))
    )
    Team.objects.filter(workspace=workspace).update(
        updated_at=Greatest("created_at", Coalesce("archived_at", "created_at"))
    )
    Person.objects.filter(workspace=workspace).update(updated_at=F("created_at"))
    DataSource.objects.filter(workspace=workspace).update(
        updated_at=Greatest("created_at", Coalesce("last_run_at", "created_at"))
    )
    Comment.objects.filter(workspace=workspace).update(
        updated_at=Greatest("created_at", Coalesce("edited_at", "created_at"))
    )
