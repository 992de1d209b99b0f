"""Histories for pages of apps below the audit trail's readers (accounts' admin pages).

    {% load audit_history %}
    {% history_of workspace subject 20 as history %}   the newest entries about an object
    {% recent_history workspace 6 as recent %}          the newest entries of the workspace

Reading a history names objects of every app (objectives, KPIs...), so these reads sit above
those apps (docs/architecture.md); the pages of accounts reach them through these tags.
"""

from __future__ import annotations

from typing import Any

from django import template

from goalkeeper.audit import queries

register = template.Library()


@register.simple_tag
def history_of(
    workspace: Any, subject: Any, limit: int = queries.HISTORY_LIMIT
) -> tuple[queries.HistoryEntry, ...]:
    """The newest `limit` entries about `subject`, newest first."""
    return queries.history_for(workspace, subject, limit=limit)


@register.simple_tag
def recent_history(workspace: Any, count: int = 6) -> tuple[queries.HistoryEntry, ...]:
    """The workspace's newest `count` entries, whoever and whatever they are about."""
    return queries.workspace_history(workspace, queries.AuditFilters(), 1, per_page=count)[1]
