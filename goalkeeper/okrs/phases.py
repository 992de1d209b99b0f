"""Phased targets of a key result as stored and as given (docs/signals.md, "Phased targets").

A key result keeps its phases in one JSON column, `[{"until": "2026-01-31", "value": 110.0}]`,
so every read of a key result row carries them without another query. `read_phases` turns
what a form, the API or an import gives into domain `Phase`s with every problem named by
field (`phases[2].value`); `stored_phases` is the column's form; `phases_of` reads it back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.phasing import Phase

# A cycle has a handful of months; a phase a day for a long year is already generous.
MAX_PHASES = 400


def read_phases(raw: object) -> tuple[tuple[Phase, ...], list[FieldError]]:
    """The phases in `raw` (a list of `{"until", "value"}` or of `Phase`), or the reasons
    it cannot be read. Dates may be `date`s or ISO strings, values numbers."""
    if raw is None:
        return (), []
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence):
        return (), [FieldError("phases", 'must be a list of {"until", "value"}')]
    if len(raw) > MAX_PHASES:
        return (), [FieldError("phases", f"holds {MAX_PHASES} phases at most")]
    phases: list[Phase] = []
    errors: list[FieldError] = []
    for index, item in enumerate(raw):
        if isinstance(item, Phase):
            phases.append(item)
            continue
        if not isinstance(item, Mapping):
            errors.append(FieldError(f"phases[{index}]", 'must be {"until", "value"}'))
            continue
        until = _day(item.get("until"))
        value = item.get("value")
        if until is None:
            errors.append(FieldError(f"phases[{index}].until", "must be a date (YYYY-MM-DD)"))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(FieldError(f"phases[{index}].value", "must be a number"))
        elif not math.isfinite(value):
            errors.append(FieldError(f"phases[{index}].value", "must be a finite number"))
        elif until is not None:
            phases.append(Phase(until=until, value=float(value)))
    return tuple(phases), errors


def stored_phases(phases: Sequence[Phase]) -> list[dict[str, object]]:
    """The column's form of `phases`."""
    return [{"until": phase.until.isoformat(), "value": phase.value} for phase in phases]


def phases_of(stored: object) -> tuple[Phase, ...]:
    """The phases of a stored column (validated on save; an unreadable one counts as none)."""
    phases, errors = read_phases(stored)
    return () if errors else phases


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
