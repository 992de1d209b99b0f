"""The KPIs a key result may read its value from.

`okrs` does not import `kpis` (docs/architecture.md): the bridges app, which sits above
both, provides the two functions below when Django starts. Until then (or without it) no
KPI is offered and none is found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from goalkeeper.accounts.models import Workspace
from goalkeeper.pickers import Source

KpiSource = Callable[[Workspace, int | None], Source]
KpiFinder = Callable[[int, int], Model | None]


def _no_source(workspace: Workspace, keep: int | None) -> Source:
    return Source(url_name="pick_kpis", noun="KPI", find=lambda kpi_id: None, label=str)


@dataclass
class _Provider:
    source: KpiSource
    find: KpiFinder


_provider = _Provider(source=_no_source, find=lambda workspace_id, kpi_id: None)


def provide(*, source: KpiSource, find: KpiFinder) -> None:
    """Set where the KPIs come from (called once, by the bridges app)."""
    _provider.source = source
    _provider.find = find


def kpi_source(workspace: Workspace, keep: int | None = None) -> Source:
    """The picker source of the KPIs a key result of `workspace` may read; `keep` (the KPI
    the key result reads now) is accepted even when it was archived."""
    return _provider.source(workspace, keep)


def find_kpi(workspace_id: int, kpi_id: int) -> Model | None:
    """The KPI `kpi_id` of the workspace, or None."""
    return _provider.find(workspace_id, kpi_id)
