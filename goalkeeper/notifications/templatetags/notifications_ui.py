"""Template helpers of the notifications app: the watch button and kind labels."""

from __future__ import annotations

from typing import Any

from django import template

from goalkeeper.notifications.kinds import KINDS
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.notifications.watching import is_watching

register = template.Library()


@register.filter
def kind_label(name: str) -> str:
    """The on-screen name of a notification kind."""
    kind = KINDS.get(str(name))
    return str(kind.label) if kind else str(name).replace("_", " ").capitalize()


@register.inclusion_tag("notifications/_watch_button.html", takes_context=True)
def watch_button(context: template.Context, subject_type: str, subject_id: int) -> dict[str, Any]:
    """Watch / Watching toggle for the page's objective, key result or KPI (three queries)."""
    person = context.get("person")
    info = describe_one((subject_type, int(subject_id)))
    if info is None or person is None or info.workspace_id != person.workspace_id:
        return {"info": None}
    return {
        "info": info,
        "watching": is_watching(person.pk, info),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
