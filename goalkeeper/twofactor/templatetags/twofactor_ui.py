"""The two-factor card of the workspace settings page (accounts), from the app above it."""

from __future__ import annotations

from typing import Any

from django import template

from goalkeeper.accounts.models import Workspace
from goalkeeper.twofactor.forms import RequirementForm
from goalkeeper.twofactor.queries import is_required, status_of

register = template.Library()


@register.inclusion_tag("twofactor/_requirement_card.html", takes_context=True)
def twofactor_requirement_card(context: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """The requirement's own form, posted to the two-factor app."""
    return {
        "form": RequirementForm(initial={"required": is_required(workspace.pk)}),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("twofactor/_profile_section.html")
def twofactor_profile_section(user: Any) -> dict[str, Any]:
    """The profile's "Two-factor authentication" section: on or off, and the way there."""
    return {"status": status_of(user)}
