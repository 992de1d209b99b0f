"""The KPIs a key result may read its value from.

`okrs` does not import `kpis` (docs/architecture.md): the bridges app, which sits above
both, provides the two functions below when Django starts. Until then (or without it) no
KPI is offered and none is found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Model

from goalkeeper.accounts.models import Workspace

KpiOptions = Callable[[Workspace, int | None], Sequence[tuple[Model, str]]]
KpiFinder = Callable[[int, int], Model | None]


@dataclass
class _Provider:
    options: KpiOptions
    find: KpiFinder


_provider = _Provider(options=lambda workspace, keep: (), find=lambda workspace_id, kpi_id: None)


def provide(*, options: KpiOptions, find: KpiFinder) -> None:
    """Set where the KPIs come from (called once, by the bridges app)."""
    _provider.options = options
    _provider.find = find


def kpi_options(workspace: Workspace, keep: int | None = None) -> Sequence[tuple[Model, str]]:
    """The KPIs a key result of `workspace` may read, with their labels, in one query;
    `keep` (the KPI the key result reads now) is offered even when it was archived."""
    return _provider.options(workspace, keep)


def find_kpi(workspace_id: int, kpi_id: int) -> Model | None:
    """The KPI `kpi_id` of the workspace, or None."""
    return _provider.find(workspace_id, kpi_id)
