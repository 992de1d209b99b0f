"""Reads of the weekly rhythm for its pages."""

from __future__ import annotations

from typing import Any

from goalkeeper.accounts.models import Workspace
from goalkeeper.digests.models import DigestSchedule
from goalkeeper.digests.services import SCHEDULE_FIELDS


def schedule_initial(workspace: Workspace) -> dict[str, Any]:
    """The schedule's current values (the defaults when none was saved), for the form."""
    schedule = DigestSchedule.objects.filter(workspace=workspace).first() or DigestSchedule()
    return {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}
