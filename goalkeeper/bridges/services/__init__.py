"""Writes of the bridges between OKRs and KPIs, one module per bridge.

Each public function is one transaction: it validates, writes through the services of
`goalkeeper.okrs` and `goalkeeper.kpis` (which record the audit entries and emit the events
of what they write) and records its own audit entry.
"""

from goalkeeper.bridges.services.drive import (
    cycle_window,
    key_result_values,
    link_key_result,
    sync_key_result,
    sync_key_results,
    unlink_key_result,
)
from goalkeeper.bridges.services.drivers import add_driver_link, remove_driver_link
from goalkeeper.bridges.services.flag import (
    create_recovery_objective,
    dismiss_recovery,
    recovery_goal,
)
from goalkeeper.bridges.services.formula import (
    drive_by_formula,
    formula_values,
    sync_formula_key_results,
)
from goalkeeper.bridges.services.guardrails import (
    add_guardrail,
    may_guard,
    remove_guardrail,
    require_guard,
)
from goalkeeper.bridges.services.hand_down import (
    hand_down_key_result,
    hand_down_plan,
    team_lead,
)
from goalkeeper.bridges.services.promote import (
    PromotionPlan,
    kpi_from_plan,
    promote_key_result,
    promotion_history,
    promotion_plan,
)
from goalkeeper.bridges.services.shape import follow_kpi_shape, shape_phases
from goalkeeper.bridges.services.split import latest_value, split_kpi_target

__all__ = [
    "PromotionPlan",
    "add_driver_link",
    "add_guardrail",
    "create_recovery_objective",
    "cycle_window",
    "dismiss_recovery",
    "drive_by_formula",
    "follow_kpi_shape",
    "formula_values",
    "hand_down_key_result",
    "hand_down_plan",
    "key_result_values",
    "kpi_from_plan",
    "latest_value",
    "link_key_result",
    "may_guard",
    "promote_key_result",
    "promotion_history",
    "promotion_plan",
    "recovery_goal",
    "remove_driver_link",
    "remove_guardrail",
    "require_guard",
    "shape_phases",
    "split_kpi_target",
    "sync_formula_key_results",
    "sync_key_result",
    "sync_key_results",
    "team_lead",
    "unlink_key_result",
]
