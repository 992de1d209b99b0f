"""The events data source services emit, with their payloads: plain JSON from the row alone.

Called by `goalkeeper.sources.services` only, inside the write's transaction; see
`goalkeeper.events`. Event names are listed in docs/api.md ("Webhooks").
"""

from __future__ import annotations

from typing import Any

from goalkeeper import events
from goalkeeper.sources.models import DataSource

Payload = dict[str, Any]


def source_payload(source: DataSource, *, status: str, error: str = "") -> Payload:
    """A source's identity and the status it moved to (the row may not be reloaded yet)."""
    return {
        "id": source.pk,
        "kpi": source.kpi_id,
        "kind": source.kind,
        "status": status,
        "created_by": source.created_by_id,
        # Scrubbed of the source's secrets by the service before it gets here.
        "error": error,
    }


def source_broken(source: DataSource, error: str) -> None:
    """`source.broken`: the source failed often enough in a row to count as broken."""
    events.emit(
        source.workspace_id,
        "source.broken",
        {"source": source_payload(source, status="broken", error=error)},
    )


def source_recovered(source: DataSource) -> None:
    """`source.recovered`: a broken source succeeded again."""
    events.emit(
        source.workspace_id, "source.recovered", {"source": source_payload(source, status="ok")}
    )
