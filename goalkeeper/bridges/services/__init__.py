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
from goalkeeper.bridges.services.flag import (
    create_recovery_objective,
    dismiss_recovery,
    recovery_goal,
)
from goalkeeper.bridges.services.promote import (
    PromotionPlan,
    promote_key_result,
    promotion_history,
    promotion_plan,
)

__all__ = [
    "PromotionPlan",
    "create_recovery_objective",
    "cycle_window",
    "dismiss_recovery",
    "key_result_values",
    "link_key_result",
    "promote_key_result",
    "promotion_history",
    "promotion_plan",
    "recovery_goal",
    "sync_key_result",
    "sync_key_results",
    "unlink_key_result",
]
