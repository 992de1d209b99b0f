"""Where every objective of a cycle stands (pace status, final score), from the read model's
light facts: what a board counts and filters by without reading, or rendering, the rows.

Two queries whatever the size of the cycle (the objectives' facts and their key results');
the figures come from `goalkeeper.okrs.figures`, never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.okrs.facts import (
    KEY_RESULT_FACT_FIELDS,
    OBJECTIVE_FACT_FIELDS,
    KeyResultFacts,
    cycle_facts,
    key_result_facts,
    objective_facts,
)
from goalkeeper.okrs.figures import objective_figures_from
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState


@dataclass(frozen=True, slots=True)
class Standing:
    """One objective of a cycle, as a board counts it."""

    id: int
    team_id: int
    owner_id: int | None
    kind: str
    # The pace status while live (neither it nor its cycle closed), else None.
    pace: PaceStatus | None
    # Closed: judged by its final score.
    final: bool
    final_score: float | None
    # Its progress counts its aligned children (a page showing it must read them too).
    roll_up: bool = False


def cycle_standings(workspace: Workspace, cycle: Cycle, clock: Clock) -> list[Standing]:
    """Every non-draft objective of the cycle with its pace status, in id order."""
    objectives = list(
        Objective.objects.filter(workspace=workspace, cycle=cycle)
        .exclude(state=ObjectiveState.DRAFT)
        .order_by("id")
        .values(*OBJECTIVE_FACT_FIELDS, "team_id", "owner_id", "kind")
    )
    key_results: dict[int, list[KeyResultFacts]] = {}
    for values in (
        KeyResult.objects.filter(workspace=workspace, objective__cycle=cycle)
        .exclude(objective__state=ObjectiveState.DRAFT)
        .order_by("position", "id")
        .values(*KEY_RESULT_FACT_FIELDS)
    ):
        key_results.setdefault(values["objective_id"], []).append(key_result_facts(values))
    period = cycle_facts(cycle)
    facts = [objective_facts(o, period, key_results.get(o["id"], ())) for o in objectives]
    figures = objective_figures_from(facts, clock)
    cycle_closed = cycle.state == CycleState.CLOSED
    return [
        Standing(
            id=o["id"],
            team_id=o["team_id"],
            owner_id=o["owner_id"],
            kind=o["kind"],
            pace=None
            if cycle_closed or o["state"] == ObjectiveState.CLOSED
            else figures[o["id"]].status,
            final=o["state"] == ObjectiveState.CLOSED,
            final_score=o["final_score"],
            roll_up=bool(o["roll_up_children"]),
        )
        for o in objectives
    ]


def owners_of(standings: Iterable[Standing]) -> set[int]:
    """The people who own at least one of these objectives."""
    return {s.owner_id for s in standings if s.owner_id is not None}
