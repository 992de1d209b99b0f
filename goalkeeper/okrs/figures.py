"""The OKR read model: progress, score and pace status of key results and objectives.

Every figure of docs/scoring.md for OKRs comes from here (through `goalkeeper.domain`):
pages, the REST API, webhook payloads and commands read it; none recomputes. A list of
objectives costs the same queries whatever its size (key results come prefetched;
roll-ups load their cycle once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.key_results import progress, score
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, pace_status
from goalkeeper.domain.scoring import final_score
from goalkeeper.okrs.models import Cycle, KeyResult, Objective, ObjectiveState


@dataclass(frozen=True)
class KeyResultFigures:
    """Raw progress (may leave 0..1), score in 0..1 and pace status of one key result."""

    progress: float | None
    score: float
    status: PaceStatus


def key_result_figures(key_result: KeyResult, cycle: Cycle, clock: Clock) -> KeyResultFigures:
    """The numbers of one key result of `cycle`, as of `clock`."""
    spec = key_result.spec
    s = score(spec, key_result.current, key_result.done)
    return KeyResultFigures(
        progress=progress(spec, key_result.current, key_result.done),
        score=s,
        status=pace_status(
            s,
            cycle.start_date,
            cycle.end_date,
            clock.today,
            key_result.last_check_in_at,
            clock.now,
            clock.thresholds,
        ),
    )


@dataclass(frozen=True)
class ObjectiveFigures:
    """Progress in 0..1 (None without key results), score to one decimal, pace status."""

    progress: float | None
    score: float | None
    status: PaceStatus


def ordered_key_results() -> Prefetch[str, QuerySet[KeyResult], str]:
    """The prefetch every objective read uses: key results in their display order."""
    return Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "id"))


def objective_figures(objectives: Sequence[Objective], clock: Clock) -> dict[int, ObjectiveFigures]:
    """Figures of `objectives` (with `cycle` selected and key results prefetched).

    Objectives that roll up their aligned children need those children's figures too: the
    whole cycle is then loaded once (two queries), as the home page does. Like the home page,
    a roll-up counts the non-draft children of the same cycle.
    """
    pool: dict[int, Objective] = {objective.pk: objective for objective in objectives}
    rolling = {objective.cycle_id for objective in objectives if objective.roll_up_children}
    if rolling:
        extra = (
            Objective.objects.filter(workspace_id=clock.workspace_id, cycle_id__in=rolling)
            .exclude(state=ObjectiveState.DRAFT)
            .select_related("cycle")
            .prefetch_related(ordered_key_results())
        )
        for objective in extra:
            pool.setdefault(objective.pk, objective)
    children: dict[int, list[int]] = {}
    for objective in pool.values():
        parent = pool.get(objective.parent_id) if objective.parent_id is not None else None
        if (
            parent is not None
            and objective.state != ObjectiveState.DRAFT
            and objective.cycle_id == parent.cycle_id
        ):
            children.setdefault(parent.pk, []).append(objective.pk)
    rollups = _Rollups(pool, children, clock)
    result: dict[int, ObjectiveFigures] = {}
    for objective in objectives:
        value, last_check_in = rollups.of(objective.pk)
        cycle = objective.cycle
        status = pace_status(
            value if value is not None else 0.0,
            cycle.start_date,
            cycle.end_date,
            clock.today,
            last_check_in,
            clock.now,
            clock.thresholds,
        )
        shown = (
            objective.final_score
            if objective.state == ObjectiveState.CLOSED and objective.final_score is not None
            else final_score(value)
        )
        result[objective.pk] = ObjectiveFigures(progress=value, score=shown, status=status)
    return result


class _Rollups:
    """Objective progress and latest check-in, children first, each computed once."""

    def __init__(
        self, objectives: dict[int, Objective], children: dict[int, list[int]], clock: Clock
    ) -> None:
        self._objectives = objectives
        self._children = children
        self._clock = clock
        self._done: dict[int, tuple[float | None, dt.datetime | None]] = {}
        self._visiting: set[int] = set()

    def of(self, objective_id: int) -> tuple[float | None, dt.datetime | None]:
        if objective_id in self._done:
            return self._done[objective_id]
        # Alignment loops are refused on save; this guard keeps a bad row from recursing.
        self._visiting.add(objective_id)
        objective = self._objectives[objective_id]
        weighted: list[WeightedScore] = []
        moments: list[dt.datetime | None] = []
        for key_result in objective.key_results.all():
            figures = key_result_figures(key_result, objective.cycle, self._clock)
            weighted.append(WeightedScore(key_result.weight, figures.score))
            moments.append(key_result.last_check_in_at)
        child_progress: list[float | None] = []
        if objective.roll_up_children:
            for child_id in self._children.get(objective_id, []):
                if child_id in self._visiting:
                    continue
                child_value, child_moment = self.of(child_id)
                child_progress.append(child_value)
                moments.append(child_moment)
        value = objective_progress(weighted, child_progress, objective.roll_up_children)
        result = (value, _latest(moments))
        self._visiting.discard(objective_id)
        self._done[objective_id] = result
        return result


def _latest(moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def key_result_status(key_result: KeyResult, clock: Clock | None = None) -> PaceStatus:
    """The key result's pace status now; taken before a write to compare after."""
    clock = clock or key_result.workspace.clock()
    return key_result_figures(key_result, key_result.objective.cycle, clock).status
