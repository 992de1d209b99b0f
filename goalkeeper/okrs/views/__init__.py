"""Pages that write OKRs: objective and key result forms, live validation, cycle lifecycle.

Thin: resolve the caller, check access (another workspace's object is a 404, a missing role
a 403), parse with a form, call one service (which writes in one transaction, audits and
emits its events), render. Every page reads a fixed number of rows whatever the size of the data.

The pages live by purpose in the modules below; `goalkeeper.okrs.urls` routes to the names
re-exported here.
"""

from goalkeeper.okrs.views.bulk import objective_bulk
from goalkeeper.okrs.views.cycles import (
    cycle_activate,
    cycle_carry_over,
    cycle_close,
    cycle_create,
    cycle_edit,
    cycle_list,
)
from goalkeeper.okrs.views.key_results import (
    key_result_create,
    key_result_delete,
    key_result_edit,
    key_result_validate,
)
from goalkeeper.okrs.views.objectives import (
    objective_create,
    objective_delete,
    objective_edit,
    objective_validate,
)
from goalkeeper.okrs.views.odds import key_result_odds
from goalkeeper.okrs.views.pickers import pick_key_results, pick_objectives
from goalkeeper.okrs.views.reviews import objective_review, objective_review_request
from goalkeeper.okrs.views.split import key_result_split

__all__ = [
    "cycle_activate",
    "cycle_carry_over",
    "cycle_close",
    "cycle_create",
    "cycle_edit",
    "cycle_list",
    "key_result_create",
    "key_result_delete",
    "key_result_edit",
    "key_result_odds",
    "key_result_split",
    "key_result_validate",
    "objective_bulk",
    "objective_create",
    "objective_delete",
    "objective_edit",
    "objective_review",
    "objective_review_request",
    "objective_validate",
    "pick_key_results",
    "pick_objectives",
]
