"""What every OKR write checks first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from goalkeeper.okrs.models import Cycle, CycleState

CLOSED_CYCLE = gettext_noop("the cycle is closed")


def ensure_cycle_open(cycle: Cycle) -> None:
    """Refuse any write into a closed cycle: closing locks its objectives and key results."""
    if cycle.state == CycleState.CLOSED:
        raise ValidationError({"cycle": CLOSED_CYCLE})
