"""Reads of the open format for pages and endpoints: a scope checked, then the export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.models import Cycle
from goalkeeper.portability.export import Scope, export_document, workspace_keys


def scoped_document(
    workspace: Workspace, *, cycle: str | None = None, team: str | None = None
) -> dict[str, Any]:
    """The document of `workspace`, or of one cycle or team's subtree; refuses, by field,
    a cycle or team the workspace does not have."""
    if cycle and not Cycle.objects.filter(workspace=workspace, name=cycle).exists():
        raise ValidationError({"cycle": f"no cycle named {cycle!r}"})
    if team and team not in workspace_keys(workspace).teams.values():
        raise ValidationError({"team": f"no team {team!r}"})
    return export_document(workspace, Scope(cycle=cycle or None, team=team or None))
