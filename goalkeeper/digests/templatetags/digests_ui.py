"""The schedule card the workspace settings page (accounts) shows, from the app above it."""

from __future__ import annotations

from typing import Any

from django import template

from goalkeeper.accounts.models import Workspace
from goalkeeper.digests.forms import ScheduleForm
from goalkeeper.digests.queries import schedule_initial

register = template.Library()


@register.inclusion_tag("digests/_schedule_card.html", takes_context=True)
def digest_schedule_card(context: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """The reminders and digests section: its own form, posted to the digests app."""
    return {
        "form": ScheduleForm(initial=schedule_initial(workspace)),
        "zone": workspace.timezone,
        "csrf_token": context.get("csrf_token"),
    }
