"""What the sources app does when the KPI services write: connected in `SourcesConfig.ready`."""

from __future__ import annotations

from typing import Any

from goalkeeper.accounts.models import Person
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import UpsertResult
from goalkeeper.sources.services import record_push

# The `source` a batch pushed over the REST API is recorded with.
PUSHED = "api"


def measurements_recorded(
    sender: Any,
    *,
    kpi: Kpi,
    actor: Person | None,
    source: str,
    result: UpsertResult,
    received: int,
    **kwargs: Any,
) -> None:
    """A batch pushed over the API is a run of the KPI's push source (if it has one)."""
    if source == PUSHED:
        record_push(actor=actor, kpi=kpi, result=result, received=received)
