"""Writes for cycles, objectives, key results and check-ins.

Each public function is one transaction that validates, writes, appends an audit entry and
emits its events (`goalkeeper.okrs.events`); pages, API endpoints, commands and jobs call
one of them per request and do nothing else that writes. See docs/architecture.md
("Writes"). The modules split them by what they write; import them from here.
"""

from __future__ import annotations

from goalkeeper.okrs.services.alignments import (
    current_links,
    refuse_alignment_loop,
    set_alignments,
)
from goalkeeper.okrs.services.bulk import ObjectiveBulkAction, bulk_change_objectives
from goalkeeper.okrs.services.carry_over import (
    carried_key_result_fields,
    carry_over,
    carry_over_candidates,
    is_unfinished,
)
from goalkeeper.okrs.services.check_ins import VALUE_FIELDS, lock_key_result
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
from goalkeeper.okrs.services.formula import set_kpi_formula
from goalkeeper.okrs.services.hand_over import reassign_owner
from goalkeeper.okrs.services.key_results import (
    KEY_RESULT_FIELDS,
    ROLLED_UP_CHECK_IN,
    ROLLED_UP_KPI,
    create_key_result,
    delete_key_result,
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
from goalkeeper.okrs.services.reviews import (
    approve_review,
    default_reviewer,
    request_review,
    return_for_changes,
)
from goalkeeper.okrs.services.rollups import refuse_contribution_loop, roll_up
from goalkeeper.okrs.services.split import Share, share_field, split_target
from goalkeeper.okrs.services.writer import KeyResultPlan, row_key, write_objective

__all__ = [
    "CLOSED_CYCLE",
    "CLOSING_FIELDS",
    "CYCLE_FIELDS",
    "KEY_RESULT_FIELDS",
    "OBJECTIVE_FIELDS",
    "ROLLED_UP_CHECK_IN",
    "ROLLED_UP_KPI",
    "VALUE_FIELDS",
    "Closing",
    "CycleOverlapError",
    "KeyResultPlan",
    "ObjectiveBulkAction",
    "Share",
    "activate_cycle",
    "approve_review",
    "bulk_change_objectives",
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
    "current_links",
    "current_score",
    "default_reviewer",
    "delete_cycle",
    "delete_key_result",
    "delete_objective",
    "ensure_cycle_open",
    "is_unfinished",
    "lock_key_result",
    "reassign_owner",
    "record_check_in",
    "refuse_alignment_loop",
    "refuse_contribution_loop",
    "request_review",
    "return_for_changes",
    "roll_up",
    "row_key",
    "set_alignments",
    "set_kpi_formula",
    "share_field",
    "split_target",
    "update_cycle",
    "update_key_result",
    "update_objective",
    "write_objective",
]
