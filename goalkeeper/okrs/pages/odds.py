"""A key result's odds page: the stored odds in words and the fan chart to the cycle end
(docs/signals.md, "Odds"). One key result is simulated on request; nothing else is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.key_results import METRIC_KINDS
from goalkeeper.domain.odds import MIN_POINTS
from goalkeeper.domain.scoring import SUCCESS_SCORE, ObjectiveKind
from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.odds import key_result_fan, odds_inputs
from goalkeeper.okrs.rows import key_result_row
from goalkeeper.okrs.view_models import KeyResultRow


@dataclass(frozen=True)
class OddsPage:
    """What the odds page shows of one key result."""

    row: KeyResultRow
    cycle_name: str
    cycle_id: int
    objective_kind: str
    success_line: float
    metric: bool
    # Check-ins still needed before odds appear (0 once there are enough).
    points_missing: int
    from_kpi: bool
    seasonal: bool
    # The fan chart's data for `json_script`, None without odds.
    chart: dict[str, Any] | None


def _iso(at: dt.datetime) -> str:
    return at.isoformat()


def odds_page(workspace: Workspace, key_result: KeyResult, now: dt.datetime) -> OddsPage:
    """The page of one key result, loaded by `access_key_result_by_id`."""
    row = key_result_row(workspace, key_result, now)
    objective = key_result.objective
    cycle = objective.cycle
    clock = workspace.clock(now)
    kind = ObjectiveKind(objective.kind)
    metric = key_result.kind in METRIC_KINDS
    inputs = odds_inputs(key_result, clock) if metric else None
    fan = key_result_fan(key_result, clock, inputs) if metric and not row.locked else None
    chart = None
    if fan is not None:
        chart = {
            "start": dt.datetime.combine(
                cycle.start_date, dt.time(), tzinfo=clock.zone
            ).isoformat(),
            "end": _iso(fan.steps[-1].at),
            "today": _iso(now),
            "history": [[_iso(at), value] for at, value in fan.history],
            "fan": [
                [_iso(step.at), step.p10, step.p25, step.p50, step.p75, step.p90]
                for step in fan.steps
            ],
            "target": fan.target,
            "unit": key_result.unit,
        }
    points = len(inputs.points) if inputs is not None else 0
    return OddsPage(
        row=row,
        cycle_name=cycle.name,
        cycle_id=cycle.pk,
        objective_kind=kind.value,
        success_line=SUCCESS_SCORE[kind],
        metric=metric,
        points_missing=max(0, MIN_POINTS - points),
        from_kpi=inputs is not None and inputs.from_kpi,
        seasonal=inputs is not None and inputs.seasonal is not None,
        chart=chart,
    )
