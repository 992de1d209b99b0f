"""The OKR read model: progress, score, roll-up and pace status of key results and objectives.

Every figure of docs/scoring.md for OKRs is computed here (through `goalkeeper.domain`), from
light rows: pages, the REST API, webhook payloads and commands read it; none recomputes.

- the inputs are light rows (`goalkeeper.okrs.facts`), built by one converter each from a
  `values()` dict or a model instance: pages read dicts, endpoints instances, both land here;
- `key_result_figures_from` and `objective_figures_from`: the numbers of light rows, as of
  one `Clock` (`Workspace.clock()`); `rolled_up` is the one roll-up (progress and latest
  check-in);
- `objective_figures`, `key_result_figures`, `key_result_status`: the same for model
  instances (the API, services and events), through the same rows, in a bounded number of
  queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, elapsed_share, pace_status
from goalkeeper.domain.phasing import expected_score
from goalkeeper.domain.scoring import final_score
from goalkeeper.okrs.facts import (
    KEY_RESULT_FACT_FIELDS,
    OBJECTIVE_FACT_FIELDS,
    CycleFacts,
    KeyResultFacts,
    ObjectiveFacts,
    cycle_facts,
    key_result_facts,
    objective_facts,
)
from goalkeeper.okrs.models import Cycle, KeyResult, Objective, ObjectiveState

# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultFigures:
    """Raw progress (may leave 0..1), score in 0..1 and pace status of one key result."""

    progress: float | None
    score: float
    status: PaceStatus


def key_result_figures_from(
    key_result: KeyResultFacts, cycle: CycleFacts, clock: Clock
) -> KeyResultFigures:
    """The numbers of one key result of `cycle`, as of `clock`."""
    s = key_result.score
    return KeyResultFigures(
        progress=key_result.progress,
        score=s,
        status=_pace(
            s, cycle, key_result.last_check_in_at, clock, expected_by(key_result, cycle, clock)
        ),
    )


def expected_by(key_result: KeyResultFacts, cycle: CycleFacts, clock: Clock) -> float | None:
    """The score a key result's phased targets expect by today (None: the straight line)."""
    return expected_score(key_result.spec, cycle.start_date, key_result.phases, clock.today)


@dataclass(frozen=True)
class Rolled:
    """An objective's progress (None without anything to measure it) and latest check-in;
    `children` counts the children whose progress it rolls up."""

    progress: float | None
    last_check_in_at: dt.datetime | None
    children: int = 0


@dataclass(frozen=True)
class ObjectiveFigures:
    """Progress in 0..1 (None without key results), score to one decimal, pace status.

    `score` is the final score once the objective is closed, else its progress rounded as a
    final score would be.
    """

    progress: float | None
    score: float | None
    status: PaceStatus
    last_check_in_at: dt.datetime | None
    expected: float | None = None


def rolled_up(objectives: Iterable[ObjectiveFacts]) -> dict[int, Rolled]:
    """Progress and latest check-in of each objective, children first, each computed once.

    An objective that rolls up its children counts each of its non-draft children of the
    same cycle found among `objectives` as one more item of weight 1 (docs/scoring.md).
    """
    pool = {objective.id: objective for objective in objectives}
    children: dict[int, list[int]] = {}
    for objective in pool.values():
        parent = pool.get(objective.parent_id) if objective.parent_id is not None else None
        if parent is not None and not objective.draft and objective.cycle.id == parent.cycle.id:
            children.setdefault(parent.id, []).append(objective.id)
    done: dict[int, Rolled] = {}
    visiting: set[int] = set()

    def of(objective_id: int) -> Rolled:
        if objective_id in done:
            return done[objective_id]
        # Alignment loops are refused on save; this guard keeps a bad row from recursing.
        visiting.add(objective_id)
        objective = pool[objective_id]
        weighted = [WeightedScore(kr.weight, kr.score) for kr in objective.key_results]
        moments = [kr.last_check_in_at for kr in objective.key_results]
        child_progress: list[float | None] = []
        if objective.roll_up_children:
            for child_id in children.get(objective_id, []):
                if child_id in visiting:
                    continue
                child = of(child_id)
                child_progress.append(child.progress)
                moments.append(child.last_check_in_at)
        value = objective_progress(weighted, child_progress, objective.roll_up_children)
        counted = sum(1 for child in child_progress if child is not None)
        result = Rolled(value, _latest(moments), counted)
        visiting.discard(objective_id)
        done[objective_id] = result
        return result

    for objective_id in pool:
        of(objective_id)
    return done


def objective_figures_from(
    objectives: Sequence[ObjectiveFacts], clock: Clock
) -> dict[int, ObjectiveFigures]:
    """Figures of `objectives` as of `clock`, roll-ups counting children among them."""
    rolled = rolled_up(objectives)
    result: dict[int, ObjectiveFigures] = {}
    for objective in objectives:
        value = rolled[objective.id]
        shown = (
            objective.final_score
            if objective.closed and objective.final_score is not None
            else final_score(value.progress)
        )
        expected = objective_expected(objective, value.children, clock)
        result[objective.id] = ObjectiveFigures(
            progress=value.progress,
            score=shown,
            status=_pace(
                value.progress if value.progress is not None else 0.0,
                objective.cycle,
                value.last_check_in_at,
                clock,
                expected,
            ),
            last_check_in_at=value.last_check_in_at,
            expected=expected,
        )
    return result


def objective_expected(
    objective: ObjectiveFacts, children: int, clock: Clock, day: dt.date | None = None
) -> float | None:
    """The progress an objective is expected to have by `day` (today by default) when any
    of its key results follows phased targets: the weighted mean of what each key result
    expects (its phases' score, else the elapsed share), children counting the elapsed
    share. None when none does: the straight line (docs/scoring.md, "Pace status")."""
    if not any(kr.phases for kr in objective.key_results):
        return None
    cycle = objective.cycle
    day = day or clock.today
    share = elapsed_share(cycle.start_date, cycle.end_date, day)
    weighted = []
    for kr in objective.key_results:
        expected = expected_score(kr.spec, cycle.start_date, kr.phases, day)
        weighted.append(WeightedScore(kr.weight, share if expected is None else expected))
    return objective_progress(weighted, [share] * children, objective.roll_up_children)


def _pace(
    value: float,
    cycle: CycleFacts,
    last: dt.datetime | None,
    clock: Clock,
    expected: float | None = None,
) -> PaceStatus:
    return pace_status(
        value,
        cycle.start_date,
        cycle.end_date,
        clock.today,
        last,
        clock.now,
        clock.thresholds,
        expected=expected,
    )


def _latest(moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


# --- Model instances (the API, the events) ------------------------------------------------------


def ordered_key_results() -> Prefetch[str, QuerySet[KeyResult], str]:
    """The prefetch every objective read uses: key results in their display order."""
    return Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "id"))


def objective_figures(objectives: Sequence[Objective], clock: Clock) -> dict[int, ObjectiveFigures]:
    """Figures of `objectives` (with `cycle` selected and key results prefetched).

    Objectives that roll up their aligned children need those children's figures too: the
    non-draft objectives of their cycles are then read once (two queries), as pages do.
    """
    cycles = {objective.cycle_id: cycle_facts(objective.cycle) for objective in objectives}
    facts = {
        objective.pk: objective_facts(
            objective,
            cycles[objective.cycle_id],
            (key_result_facts(kr) for kr in objective.key_results.all()),
        )
        for objective in objectives
    }
    rolling = {objective.cycle_id for objective in objectives if objective.roll_up_children}
    if rolling:
        scope = {"workspace_id": clock.workspace_id}
        key_results: dict[int, list[KeyResultFacts]] = {}
        for values in (
            KeyResult.objects.filter(**scope, objective__cycle_id__in=rolling)
            .exclude(objective__state=ObjectiveState.DRAFT)
            .order_by("position", "id")
            .values(*KEY_RESULT_FACT_FIELDS)
        ):
            key_results.setdefault(values["objective_id"], []).append(key_result_facts(values))
        for values in (
            Objective.objects.filter(**scope, cycle_id__in=rolling)
            .exclude(state=ObjectiveState.DRAFT)
            .values(*OBJECTIVE_FACT_FIELDS)
        ):
            if values["id"] not in facts:
                facts[values["id"]] = objective_facts(
                    values, cycles[values["cycle_id"]], key_results.get(values["id"], ())
                )
    figures = objective_figures_from(list(facts.values()), clock)
    return {objective.pk: figures[objective.pk] for objective in objectives}


def key_result_figures(key_result: KeyResult, cycle: Cycle, clock: Clock) -> KeyResultFigures:
    """Figures of a key result of `cycle` (its objective's), as of `clock`."""
    return key_result_figures_from(key_result_facts(key_result), cycle_facts(cycle), clock)


def key_result_status(key_result: KeyResult, clock: Clock | None = None) -> PaceStatus:
    """The key result's pace status now; taken before a write to compare after."""
    clock = clock or key_result.workspace.clock()
    return key_result_figures(key_result, key_result.objective.cycle, clock).status
