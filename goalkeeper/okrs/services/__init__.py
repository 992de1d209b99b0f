"""Writes for cycles, objectives, key results and check-ins.

Each public function is one transaction that validates, writes, appends an audit entry and
emits its events (`goalkeeper.okrs.events`); pages, API endpoints, commands and jobs call
one of them per request and do nothing else that writes. See docs/architecture.md
("Writes"). The modules split them by what they write; import them from here.
"""

from __future__ import annotations

from goalkeeper.okrs.services.carry_over import (
    carried_key_result_fields,
    carry_over,
    carry_over_candidates,
    is_unfinished,
)
from goalkeeper.okrs.services.common import CLOSED_CYCLE, ensure_cycle_open
from goalkeeper.okrs.services.cycles import (
    CYCLE_FIELDS,
    Closing,
    CycleOverlapError,
    activate_cycle,
    close_cycle,
    closing_objectives,
    create_cycle,
    current_closings,
    delete_cycle,
    update_cycle,
)
from goalkeeper.okrs.services.hand_over import reassign_owner
from goalkeeper.okrs.services.key_results import (
    KEY_RESULT_FIELDS,
    VALUE_FIELDS,
    create_key_result,
    delete_key_result,
    lock_key_result,
    record_check_in,
    update_key_result,
)
from goalkeeper.okrs.services.objectives import (
    CLOSING_FIELDS,
    OBJECTIVE_FIELDS,
    close_objective,
    create_objective,
    current_score,
    delete_objective,
    update_objective,
)

__all__ = [
    "CLOSED_CYCLE",
    "CLOSING_FIELDS",
    "CYCLE_FIELDS",
    "KEY_RESULT_FIELDS",
    "OBJECTIVE_FIELDS",
    "VALUE_FIELDS",
    "Closing",
    "CycleOverlapError",
    "activate_cycle",
    "carried_key_result_fields",
    "carry_over",
    "carry_over_candidates",
    "close_cycle",
    "close_objective",
    "closing_objectives",
    "create_cycle",
    "create_key_result",
    "create_objective",
    "current_closings",
    "current_score",
    "delete_cycle",
    "delete_key_result",
    "delete_objective",
    "ensure_cycle_open",
    "is_unfinished",
    "lock_key_result",
    "reassign_owner",
    "record_check_in",
    "update_cycle",
    "update_key_result",
    "update_objective",
]
