"""Bridge tests: the KPI tests' frozen clock and KPI maker, and key results linked to KPIs."""

from __future__ import annotations

from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import KeyResult
from tests.conftest import World
from tests.kpis.conftest import make_kpi, now
from tests.web import factories

__all__ = ["linked_key_result", "make_kpi", "now"]


def linked_key_result(world: World, kpi: Kpi, mode: str = "latest", **fields) -> KeyResult:
    """A key result of a new objective in the world's cycle, linked to `kpi` as stored (no
    service: the link is what the test starts from, not what it tests)."""
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    fields.setdefault("start", 0.0)
    fields.setdefault("target", 1000.0)
    key_result = factories.key_result(objective, "Driven", **fields)
    key_result.kpi = kpi
    key_result.kpi_mode = mode
    key_result.save()
    return key_result
