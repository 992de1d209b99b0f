"""Objectives, key results and check-ins for page tests, written through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from goalkeeper.accounts.models import Person, Team
from goalkeeper.okrs.models import Cycle, KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in


def objective(
    cycle: Cycle,
    team: Team,
    title: str,
    owner: Person | None = None,
    **fields: Any,
) -> Objective:
    """An objective in `cycle` for `team`, created by its owner."""
    return create_objective(actor=owner, cycle=cycle, team=team, title=title, owner=owner, **fields)


def key_result(
    parent: Objective,
    title: str,
    *,
    kind: str = "increase",
    start: float | None = 0.0,
    target: float | None = 100.0,
    check_ins: Sequence[tuple[float | None, dt.datetime]] = (),
    confidence: int | None = None,
    **fields: Any,
) -> KeyResult:
    """A key result with optional check-ins `(value, at)` in order (value None: done)."""
    if kind in ("maintain", "milestone"):
        start = target = None
    created = create_key_result(
        actor=parent.owner,
        objective=parent,
        title=title,
        kind=kind,
        start=start,
        target=target,
        owner=parent.owner,
        **fields,
    )
    for value, at in check_ins:
        record_check_in(
            actor=parent.owner,
            key_result=created,
            value=value,
            done=kind == "milestone" and value is None,
            confidence=confidence,
            at=at,
        )
    return created
