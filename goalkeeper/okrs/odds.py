"""The odds of key results and objectives: the one place that gathers what the simulation
needs and runs it (docs/signals.md, "Odds").

`odds_inputs(key_result, clock)` is the history a key result is simulated from: its
check-ins, or, for a key result reading one KPI's latest value, that KPI's period values
with last year's seasonal shape. `okrs` does not import `kpis`: the bridges app provides
the KPI history when Django starts (`provide_kpi_history`), as it provides the KPI picker
(`kpi_links`). Until then, and for every other key result, the check-ins are the history.

A simulation costs tens of milliseconds, so pages and the API read the odds stored on the
rows (`KeyResult.odds_target`, `odds_success`, `Objective.odds_success`), which
`okrs.services.odds` writes; only the fan chart of one key result is simulated for its page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.key_results import METRIC_KINDS, KeyResultKind
from goalkeeper.domain.odds import (
    DRAWS,
    MIN_POINTS,
    FanStep,
    KeyResultHistory,
    Odds,
    Point,
    fan_chart,
    key_result_odds,
    objective_odds,
)
from goalkeeper.domain.phasing import ExpectedPath
from goalkeeper.domain.scoring import ObjectiveKind
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, KpiLinkMode, Objective
from goalkeeper.okrs.phases import phases_of

FAN_STEPS = 8


@dataclass(frozen=True)
class OddsInputs:
    """What a key result's odds are simulated from: its history, last year's shape (12
    monthly factors, January first) when known, the instant the cycle ends, and the path
    its phased targets expect (None: a straight line)."""

    points: tuple[Point, ...]
    seasonal: tuple[float, ...] | None
    end: dt.datetime
    from_kpi: bool = False
    path: ExpectedPath | None = None

    @property
    def enough(self) -> bool:
        """At least 3 points: fewer give no odds."""
        return len(self.points) >= MIN_POINTS


# (points, seasonal factors) of a key result's KPI up to an instant, or None when the key
# result does not read one KPI's latest value.
KpiHistory = Callable[
    [KeyResult, Clock, dt.datetime], tuple[tuple[Point, ...], tuple[float, ...] | None] | None
]


def _no_kpi_history(key_result: KeyResult, clock: Clock, until: dt.datetime) -> None:
    return None


@dataclass
class _Provider:
    kpi_history: KpiHistory


_provider = _Provider(kpi_history=_no_kpi_history)


def provide_kpi_history(history: KpiHistory) -> None:
    """Set where a linked KPI's history comes from (called once, by the bridges app)."""
    _provider.kpi_history = history


def cycle_end(cycle: Cycle, clock: Clock) -> dt.datetime:
    """The instant a cycle ends: midnight after its last day, in the workspace's zone."""
    return dt.datetime.combine(cycle.end_date + dt.timedelta(days=1), dt.time(), tzinfo=clock.zone)


def reads_kpi_history(key_result: KeyResult) -> bool:
    """A key result reading one KPI's latest value is simulated from the KPI's periods; one
    reading an aggregate over the cycle, or a formula, from its own (automatic) check-ins."""
    return key_result.kpi_id is not None and key_result.kpi_mode == KpiLinkMode.LATEST


def check_in_points(key_result: KeyResult, until: dt.datetime | None = None) -> tuple[Point, ...]:
    """The key result's check-ins with a value, oldest first, up to `until` (included)."""
    rows = CheckIn.objects.filter(key_result=key_result, value__isnull=False)
    if until is not None:
        rows = rows.filter(created_at__lte=until)
    return tuple(
        (at, float(value))
        for at, value in rows.order_by("created_at", "id").values_list("created_at", "value")
        if value is not None
    )


def odds_inputs(
    key_result: KeyResult, clock: Clock, until: dt.datetime | None = None
) -> OddsInputs:
    """The history the key result's odds are simulated from, as known at `until` (default:
    the clock's now). The one function that decides it, phased targets included."""
    moment = until or clock.now
    cycle = key_result.objective.cycle
    end = cycle_end(cycle, clock)
    path = expected_path(key_result, cycle)
    if reads_kpi_history(key_result):
        found = _provider.kpi_history(key_result, clock, moment)
        if found is not None:
            points, seasonal = found
            return OddsInputs(points, seasonal, end, from_kpi=True, path=path)
    return OddsInputs(check_in_points(key_result, moment), None, end, path=path)


def expected_path(key_result: KeyResult, cycle: Cycle) -> ExpectedPath | None:
    """The path the key result's phased targets expect, which the simulation follows
    instead of a straight line; None without phases (or without a start value)."""
    phases = phases_of(key_result.phases)
    if not phases or key_result.start is None:
        return None
    return ExpectedPath(cycle.start_date, float(key_result.start), phases)


def _kind(objective: Objective) -> ObjectiveKind:
    return ObjectiveKind(objective.kind)


def simulated_odds(key_result: KeyResult, inputs: OddsInputs, draws: int = DRAWS) -> Odds | None:
    """The odds of a key result from its inputs; None when it is not a metric key result
    or has fewer than 3 points."""
    if key_result.kind not in METRIC_KINDS:
        return None
    kind = _kind(key_result.objective)
    return key_result_odds(
        key_result.spec, kind, inputs.points, inputs.end, inputs.seasonal, draws, path=inputs.path
    )


def simulated_objective_odds(
    objective: Objective,
    key_results: Sequence[tuple[KeyResult, OddsInputs]],
    draws: int = DRAWS,
) -> float | None:
    """The odds that the objective succeeds, from each key result's inputs (joint draws)."""
    if not key_results:
        return None
    histories = [
        KeyResultHistory(
            spec=kr.spec,
            points=inputs.points if kr.kind != KeyResultKind.MILESTONE else (),
            current=kr.current,
            done=kr.done,
            seasonal=inputs.seasonal,
            path=inputs.path,
        )
        for kr, inputs in key_results
    ]
    return objective_odds(histories, _kind(objective), key_results[0][1].end, draws)


@dataclass(frozen=True)
class FanChart:
    """A key result's history and the quantiles of its simulated value up to the cycle end."""

    history: tuple[Point, ...]
    steps: tuple[FanStep, ...]
    target: float | None


def fan_steps(start: dt.datetime, end: dt.datetime, count: int = FAN_STEPS) -> list[dt.datetime]:
    """`count` instants evenly spread after `start`, the last one at `end`."""
    if end <= start:
        return [end]
    span = end - start
    return [start + span * (index / count) for index in range(1, count + 1)]


def key_result_fan(
    key_result: KeyResult, clock: Clock, inputs: OddsInputs | None = None
) -> FanChart | None:
    """The fan chart of one key result (simulated on request: one key result is cheap
    enough), from `inputs` when already read; None when it is not a metric key result or
    has too little history."""
    if key_result.kind not in METRIC_KINDS:
        return None
    inputs = inputs or odds_inputs(key_result, clock)
    if not inputs.enough:
        return None
    last = max(at for at, _ in inputs.points)
    steps = fan_steps(max(last, clock.now), inputs.end)
    fan = fan_chart(inputs.points, steps, inputs.seasonal, path=inputs.path)
    if fan is None:
        return None
    return FanChart(history=inputs.points, steps=fan, target=key_result.target)
