"""W6, under Django: what a cascade costs at company scale (docs/cascade.md).

In the built company it adds, in the active cycle, a chain of `levels` key results each
contributing to the one above and adding its contributors up, and a key result adding up
`fan` contributors; then it times, with the queries counted, a check-in at the bottom of the
chain (every ancestor updated once), a check-in of one contributor of the wide key result, and
the read of the wide key result's contributors with their shares.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.okrs.contributions import contributors_of
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in


def _measured(action: Callable[[], object], repeat: int) -> dict[str, Any]:
    """Median milliseconds and the queries of the last run of `action`."""
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return {"ms": round(statistics.median(times) * 1000, 1), "queries": queries}


def _objective(workspace: Workspace, cycle: Cycle, owner: Person, title: str) -> Objective:
    team = workspace.teams.order_by("id")[0]
    return create_objective(actor=None, cycle=cycle, team=team, title=title, owner=owner)


def _key_result(objective: Objective, title: str, **fields: Any) -> KeyResult:
    return create_key_result(
        actor=None, objective=objective, title=title, kind="increase", start=0, target=100, **fields
    )


def cascade(
    workspace: Workspace, owner: Person, levels: int, fan: int, repeat: int
) -> dict[str, Any]:
    cycle = Cycle.objects.filter(workspace=workspace, state=CycleState.ACTIVE).order_by("id")[0]
    parent: KeyResult | None = None
    for level in range(levels):
        objective = _objective(workspace, cycle, owner, f"Benchmark cascade, level {level + 1}")
        parent = _key_result(
            objective,
            f"Benchmark cascade, level {level + 1}",
            contributes_to=parent,
            rollup="sum" if level < levels - 1 else "none",
        )
    bottom = parent
    wide_objective = _objective(workspace, cycle, owner, "Benchmark fan")
    wide = _key_result(wide_objective, "Benchmark fan", rollup="sum")
    for number in range(fan):
        contributor = _objective(workspace, cycle, owner, f"Benchmark fan contributor {number}")
        last = _key_result(contributor, f"Benchmark share {number}", contributes_to=wide)
    assert bottom is not None
    values = iter(range(1, 10_000))
    chain = _measured(
        lambda: record_check_in(actor=owner, key_result=bottom, value=next(values)), repeat
    )
    one_of_many = _measured(
        lambda: record_check_in(actor=owner, key_result=last, value=next(values)), repeat
    )
    read = _measured(lambda: contributors_of(wide), repeat)
    return {
        "levels": levels,
        "fan": fan,
        "chain_check_in": chain,
        "fan_check_in": one_of_many,
        "contributors_read": read,
        "repeat": repeat,
    }
