"""Template tags of accounts: the workspace switcher for the sidebar.

    {% include "accounts/_workspace_switcher.html" %}

renders nothing for a person in one workspace, and a small form for someone in several.
"""

from __future__ import annotations

from typing import Any

from django import template

from goalkeeper.accounts.middleware import person_of, sso_workspace_of
from goalkeeper.accounts.queries import workspaces_of

register = template.Library()


@register.inclusion_tag("accounts/_workspace_switcher_form.html", takes_context=True)
def workspace_switcher(context: template.Context) -> dict[str, Any]:
    """The caller's workspaces (one query, only for a signed-in person) and the current one."""
    request = context.get("request")
    person = person_of(request) if request is not None and hasattr(request, "user") else None
    if person is None:
        return {"workspaces": [], "current": None}
    workspaces = workspaces_of(person)
    sso_only = request is not None and sso_workspace_of(request) is not None
    others = False
    if sso_only:
        # Signed in through single sign-on: that workspace alone, and how to reach the others.
        others = len(workspaces) > 1
        workspaces = [member for member in workspaces if member.workspace_id == person.workspace_id]
    return {
        "workspaces": workspaces,
        "sso_only": person.workspace if sso_only and others else None,
        "current": person.workspace_id,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
