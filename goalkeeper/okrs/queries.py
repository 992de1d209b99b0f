"""A short re-export kept while other modules move to the split read modules.

The OKR reads live in `goalkeeper.okrs.cycles` (which cycle), `goalkeeper.okrs.view_models`
(the page dataclasses), `goalkeeper.okrs.figures` (the read model), `goalkeeper.okrs.rows`
and `goalkeeper.okrs.pages` (page builders). Only the names still imported from here by
other apps are re-exported; import from the modules above in new code.
"""

from __future__ import annotations

from goalkeeper.okrs.cycles import active_cycle, active_cycles, current_cycle_for
from goalkeeper.okrs.view_models import PersonRef

__all__ = ["PersonRef", "active_cycle", "active_cycles", "current_cycle_for"]
