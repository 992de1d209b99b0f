"""Where every objective of a cycle stands (pace status, final score), from the read model's
light facts: what a board counts and filters by without reading, or rendering, the rows.

The figures come from `goalkeeper.okrs.figures`, never recomputed here. Working them out for
a cycle of five thousand objectives takes about half a second, so each process keeps the
last few answers (docs/okrs.md#cycle-board): an answer holds while nothing is written in
the workspace (the newest audit entry is the same: every write leaves one) and for the
minute it was worked out in (pace moves with the clock).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.audit.kept import Kept, newest_audit_entry
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
    owner_name: str
    kind: str
    # The pace status while live (neither it nor its cycle closed), else None.
    pace: PaceStatus | None
    # Closed: judged by its final score.
    final: bool
    final_score: float | None
    # Its progress counts its aligned children (a page showing it must read them too).
    roll_up: bool = False
    # Progress in 0..1 from the read model (None without key results), live or closed.
    progress: float | None = None
    # The score its page shows: the final score once closed, else the current one.
    score: float | None = None


# Answers kept per process: a few cycles' worth (the boards people have open).
KEPT = 8
_kept: Kept[tuple[Standing, ...]] = Kept(KEPT)


def forget() -> None:
    """Drop every kept answer (tests whose ids and clock repeat from one to the next)."""
    _kept.forget()


def cycle_standings(workspace: Workspace, cycle: Cycle, clock: Clock) -> tuple[Standing, ...]:
    """Every non-draft objective of the cycle with its pace status, in id order.

    One query when nothing was written in the workspace this minute (the newest audit
    entry); else three: that one, the objectives' facts and their key results'.
    """
    key = (
        workspace.pk,
        cycle.pk,
        cycle.state,
        cycle.start_date,
        cycle.end_date,
        newest_audit_entry(workspace.pk),
        clock.now.replace(second=0, microsecond=0),
        clock.thresholds,
    )
    return _kept.get(key, lambda: _work_out(workspace, cycle, clock))


def _work_out(workspace: Workspace, cycle: Cycle, clock: Clock) -> tuple[Standing, ...]:
    objectives = list(
        Objective.objects.filter(workspace=workspace, cycle=cycle)
        .exclude(state=ObjectiveState.DRAFT)
        .order_by("id")
        .values(*OBJECTIVE_FACT_FIELDS, "team_id", "owner_id", "owner__name", "kind")
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
    return tuple(
        Standing(
            id=o["id"],
            team_id=o["team_id"],
            owner_id=o["owner_id"],
            owner_name=o["owner__name"] or "",
            kind=o["kind"],
            pace=None
            if cycle_closed or o["state"] == ObjectiveState.CLOSED
            else figures[o["id"]].status,
            final=o["state"] == ObjectiveState.CLOSED,
            final_score=o["final_score"],
            roll_up=bool(o["roll_up_children"]),
            progress=figures[o["id"]].progress,
            score=figures[o["id"]].score,
        )
        for o in objectives
    )


def owners_of(standings: Iterable[Standing]) -> dict[int, str]:
    """The people who own at least one of these objectives, by id, with their names."""
    return {s.owner_id: s.owner_name for s in standings if s.owner_id is not None}
