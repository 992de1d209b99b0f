"""The demo's odds (docs/signals.md, "Odds" and "Calibration").

After the check-ins are written: one key result of the active quarter gets a history whose
odds of reaching the target are about 30% (its latest value, and so its score and pace,
stay as planned; the earlier values are spread so that the trend falls short with room for
luck), every key result and objective of the active quarter gets its stored odds, and every
check-in of the closed quarter the odds of success as known when it was recorded, so the
closed quarter's review shows the model's calibration beside its people's.

The app simulates 10,000 draws; the demo takes fewer (`DEMO_DRAWS`) so that loading stays
quick: the numbers differ by a point or two, and the nightly refresh
(`okrs.services.odds.refresh_open_odds`) recomputes the active quarter's in full.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Q

from goalkeeper.accounts.models import Workspace
from goalkeeper.demo.okrs import Cycles
from goalkeeper.domain.key_results import METRIC_KINDS, KeyResultKind
from goalkeeper.domain.odds import Point, key_result_odds
from goalkeeper.domain.scoring import ObjectiveKind
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective, Rollup
from goalkeeper.okrs.odds import (
    OddsInputs,
    cycle_end,
    odds_inputs,
    simulated_objective_odds,
    simulated_odds,
)

DEMO_DRAWS = 1_000
# The odds the designed key result should show, and how close the search must come.
WANTED_ODDS = 0.30
TOLERANCE = 0.03
SEARCH_STEPS = 14
MIN_CHECK_INS = 5
# A demo of more people than this leaves its odds to the worker's nightly refresh.
ODDS_AT_LOAD_MAX_PEOPLE = 200


def write_odds(workspace: Workspace, cycles: Cycles, now: dt.datetime) -> None:
    """Store the odds of the active quarter (designing a key result at about 30% when no
    key result happens to be there), then those of the closed quarter's check-ins."""
    _store_active(cycles, now, workspace)
    if not _has_thirty_percent(cycles) and design_thirty_percent(workspace, cycles, now):
        _store_active(cycles, now, workspace)
    _store_closed(cycles, workspace)


def _has_thirty_percent(cycles: Cycles) -> bool:
    """A key result of the active quarter already has odds of about 30%."""
    return KeyResult.objects.filter(
        objective__cycle=cycles.active,
        odds_target__gte=WANTED_ODDS - TOLERANCE * 1.5,
        odds_target__lte=WANTED_ODDS + TOLERANCE * 1.5,
    ).exists()


def _candidate(cycles: Cycles) -> KeyResult | None:
    """A key result of the active quarter people check in on by hand, part of the way."""
    rows = (
        KeyResult.objects.filter(
            objective__cycle=cycles.active,
            kind=KeyResultKind.INCREASE,
            kpi__isnull=True,
            kpi_formula="",
            rollup=Rollup.NONE,
            contributes_to__isnull=True,
            objective__kind=ObjectiveKind.COMMITTED,
        )
        .annotate(n=Count("check_ins", filter=Q(check_ins__value__isnull=False)))
        .filter(n__gte=MIN_CHECK_INS)
        .select_related("objective", "objective__cycle")
        .order_by("objective__team__parent_id", "id")
    )
    for key_result in rows:
        if key_result.start is None or key_result.target is None or key_result.current is None:
            continue
        share = (key_result.current - key_result.start) / (key_result.target - key_result.start)
        if 0.25 <= share <= 0.5:
            return key_result
    return None


def _shaped(
    times: Sequence[dt.datetime],
    last: float,
    start: float,
    spread: float,
    wobble: Sequence[float],
    digits: int,
) -> list[float]:
    """Values from `start` at the first check-in to `last` at the latest, each moved by
    its wobble times `spread`; the latest keeps its value."""
    first, final = times[0], times[-1]
    span = (final - first).total_seconds() or 1.0
    values = []
    for index, at in enumerate(times):
        share = (at - first).total_seconds() / span
        trend = start + (last - start) * share
        if index == len(times) - 1:
            values.append(last)
        else:
            values.append(round(max(start, trend + wobble[index] * spread), digits))
    return values


def design_thirty_percent(workspace: Workspace, cycles: Cycles, now: dt.datetime) -> bool:
    """Spread the earlier check-ins of one key result so that its odds come to about 30%.

    With the latest value fixed, a straight climb from the start projects short of the
    target (the candidate is less than half way, past half the quarter): no scatter gives
    odds near 0, more scatter more room for luck. The scatter is found by bisection.
    Returns whether a key result was designed.
    """
    key_result = _candidate(cycles)
    if key_result is None:
        return False
    check_ins = list(
        CheckIn.objects.filter(key_result=key_result, value__isnull=False).order_by(
            "created_at", "id"
        )
    )
    times = [check_in.created_at for check_in in check_ins]
    start, target, last = (
        float(key_result.start or 0.0),
        float(key_result.target or 0.0),
        float(key_result.current or 0.0),
    )
    # Seeded by what it is, not by its id: a reload gives the same history.
    rng = random.Random(f"{key_result.title}|{key_result.objective.title}")
    wobble = [rng.choice((-1.0, 1.0)) * rng.uniform(0.4, 1.0) for _ in times]
    digits = 0 if abs(target - start) >= 50 else 1
    end = cycle_end(cycles.active, workspace.clock(now))
    spec = key_result.spec

    def odds_at(spread: float) -> tuple[float, list[float]]:
        values = _shaped(times, last, start, spread, wobble, digits)
        points: list[Point] = list(zip(times, values, strict=True))
        found = key_result_odds(spec, ObjectiveKind.COMMITTED, points, end, None, DEMO_DRAWS)
        return (found.target if found is not None else 0.0), values

    low, high = 0.0, abs(target - start) * 0.5
    best = odds_at(high)
    for _ in range(SEARCH_STEPS):
        middle = (low + high) / 2
        odds, values = odds_at(middle)
        if abs(odds - WANTED_ODDS) < abs(best[0] - WANTED_ODDS):
            best = (odds, values)
        if abs(odds - WANTED_ODDS) <= TOLERANCE / 3:
            break
        if odds < WANTED_ODDS:
            low = middle
        else:
            high = middle
    for check_in, value in zip(check_ins, best[1], strict=True):
        if check_in.value != value:
            CheckIn.objects.filter(pk=check_in.pk).update(value=value)
    return True


def _store_active(cycles: Cycles, now: dt.datetime, workspace: Workspace) -> None:
    """The stored odds of every key result and open objective of the active quarter."""
    clock = workspace.clock(now)
    objectives = (
        Objective.objects.filter(cycle=cycles.active)
        .exclude(state="closed")
        .select_related("cycle")
        .prefetch_related("key_results")
        .order_by("id")
    )
    key_results: list[KeyResult] = []
    for objective in objectives:
        pairs: list[tuple[KeyResult, OddsInputs]] = []
        for key_result in objective.key_results.all():
            key_result.objective = objective
            inputs = odds_inputs(key_result, clock)
            pairs.append((key_result, inputs))
            odds = simulated_odds(key_result, inputs, DEMO_DRAWS)
            key_result.odds_target = odds.target if odds is not None else None
            key_result.odds_success = odds.success if odds is not None else None
            key_result.odds_at = now
            key_results.append(key_result)
        objective.odds_success = simulated_objective_odds(objective, pairs, DEMO_DRAWS)
        objective.odds_at = now
    KeyResult.objects.bulk_update(key_results, ["odds_target", "odds_success", "odds_at"])
    Objective.objects.bulk_update(list(objectives), ["odds_success", "odds_at"])


def _store_closed(cycles: Cycles, workspace: Workspace) -> None:
    """Each check-in of the closed quarter: the odds of success from the history up to it.

    Read in one query; a key result reading a KPI is simulated from its check-ins here
    (they mirror the KPI's values), which spares a KPI query per check-in.
    """
    key_results = {
        kr.pk: kr
        for kr in KeyResult.objects.filter(
            objective__cycle=cycles.closed, kind__in=list(METRIC_KINDS)
        ).select_related("objective", "objective__cycle")
    }
    history: dict[int, list[CheckIn]] = defaultdict(list)
    for check_in in CheckIn.objects.filter(
        key_result_id__in=list(key_results), value__isnull=False
    ).order_by("created_at", "id"):
        history[check_in.key_result_id].append(check_in)
    clock = workspace.clock()
    changed: list[CheckIn] = []
    for pk, check_ins in history.items():
        key_result = key_results[pk]
        end = cycle_end(key_result.objective.cycle, clock)
        points: list[Point] = []
        for check_in in check_ins:
            points.append((check_in.created_at, float(check_in.value or 0.0)))
            inputs = OddsInputs(points=tuple(points), seasonal=None, end=end)
            odds = simulated_odds(key_result, inputs, DEMO_DRAWS)
            if odds is not None:
                check_in.odds_success = odds.success
                changed.append(check_in)
    CheckIn.objects.bulk_update(changed, ["odds_success"], batch_size=500)
