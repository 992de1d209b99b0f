"""What the bridges do when the apps below them write: connected in `BridgesConfig.ready`.

Both run inside the write's transaction (the signals are sent there), so a key result's
automatic check-in commits or rolls back with the write that caused it.
"""

from __future__ import annotations

from typing import Any

from goalkeeper.bridges.services.drive import sync_key_result, sync_key_results
from goalkeeper.bridges.services.formula import sync_formula_key_results
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import KeyResult


def key_result_kpi_changed(sender: Any, *, key_result: KeyResult, **kwargs: Any) -> None:
    """A key result now reads a KPI, or a formula over several (or reads them another way):
    give it its value at once."""
    if key_result.kpi_formula:
        sync_formula_key_results(only=key_result, skip_unchanged=True)
    else:
        sync_key_result(key_result)


def measurements_recorded(sender: Any, *, kpi: Kpi, **kwargs: Any) -> None:
    """A KPI received values: move the key results it drives, alone or in a formula."""
    sync_key_results(kpi=kpi)
    sync_formula_key_results(kpi=kpi)
