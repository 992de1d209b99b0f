"""Promote: a key result that proved useful becomes a permanent KPI, keeping its history.

The KPI starts from the key result's start value, measured at its cycle's first instant,
then one value per check-in (docs/kpis.md "Promote").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.services import record
from goalkeeper.bridges.services.drive import cycle_window
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.kpis import Direction
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import MAX_BATCH, create_kpi, record_measurements
from goalkeeper.okrs.models import CheckIn, KeyResult, KpiLinkMode
from goalkeeper.okrs.services import update_key_result


@dataclass(frozen=True)
class PromotionPlan:
    """The KPI a key result would become, shown before it is created."""

    name: str
    team: Team
    owner: Person | None
    unit: str
    direction: Direction
    target: float | None
    warning: float | None
    low: float | None
    high: float | None
    check_ins: int
    # The key result's start value, kept as the KPI's first value at `starts_at` (the cycle's
    # first instant); None for a maintain key result, which has no start.
    start: float | None
    starts_at: dt.datetime

    def fields(self) -> dict[str, Any]:
        """The KPI's goal fields, as `create_kpi` takes them."""
        return {
            "owner": self.owner,
            "unit": self.unit,
            "direction": self.direction.value,
            "target": self.target,
            "warning": self.warning,
            "low": self.low,
            "high": self.high,
        }


def promotion_plan(key_result: KeyResult) -> PromotionPlan:
    """What `promote_key_result` would create; refuses what cannot become a KPI.

    increase -> higher is better, decrease -> lower is better (target kept, the commit
    value, if any, becomes the warning threshold); maintain -> in range [low, high], or a
    one-sided target when the band has one bound; milestone -> refused.
    """
    if key_result.kind == KeyResultKind.MILESTONE:
        raise ValidationError(
            {"key_result": "A milestone is done or not done: it has no number to track as a KPI."}
        )
    if key_result.kpi_id is not None:
        raise ValidationError({"key_result": "This key result already reads its value from a KPI."})
    if key_result.kpi_formula:
        raise ValidationError({"key_result": "This key result already reads several KPIs."})
    if key_result.rolls_up:
        raise ValidationError(
            {"key_result": "This key result adds up its contributors: it cannot read a KPI."}
        )
    target = warning = low = high = None
    if key_result.kind == KeyResultKind.MAINTAIN:
        if key_result.low is not None and key_result.high is not None:
            direction, low, high = Direction.IN_RANGE, key_result.low, key_result.high
        elif key_result.low is not None:
            direction, target = Direction.HIGHER_IS_BETTER, key_result.low
        else:
            direction, target = Direction.LOWER_IS_BETTER, key_result.high
    else:
        direction = (
            Direction.HIGHER_IS_BETTER
            if key_result.kind == KeyResultKind.INCREASE
            else Direction.LOWER_IS_BETTER
        )
        target, warning = key_result.target, key_result.commit
    objective = key_result.objective
    starts_at, _ = cycle_window(objective.cycle, key_result.workspace.zone)
    return PromotionPlan(
        name=key_result.title[:160],
        team=objective.team,
        owner=key_result.owner or objective.owner,
        unit=key_result.unit,
        direction=direction,
        target=target,
        warning=warning,
        low=low,
        high=high,
        check_ins=key_result.check_ins.filter(value__isnull=False).count(),
        start=key_result.start if key_result.kind != KeyResultKind.MAINTAIN else None,
        starts_at=starts_at,
    )


def promotion_history(
    key_result: KeyResult, plan: PromotionPlan
) -> list[tuple[dt.datetime, float]]:
    """The values the new KPI starts with: the start value at the cycle's start, then each
    check-in's value at its time. A check-in at or before the cycle's start (made while it
    was planned) stands for the start itself."""
    check_ins = [
        (at, value)
        for at, value in CheckIn.objects.filter(key_result=key_result, value__isnull=False)
        .order_by("created_at", "id")
        .values_list("created_at", "value")
        if value is not None
    ]
    if plan.start is None or (check_ins and check_ins[0][0] <= plan.starts_at):
        return check_ins
    return [(plan.starts_at, plan.start), *check_ins]


def kpi_from_plan(
    *,
    actor: Person | None,
    key_result: KeyResult,
    plan: PromotionPlan,
    description: str,
    frequency: str,
    aggregation: str,
    source: str = "promotion",
) -> Kpi:
    """Create the KPI `plan` describes, with the key result's history as its first values,
    and link both ways: the key result reads the KPI (latest value), the KPI names the key
    result as its origin. Call inside a transaction (promote and hand down do)."""
    kpi = create_kpi(
        actor=actor,
        team=plan.team,
        name=plan.name,
        description=description,
        frequency=frequency,
        aggregation=aggregation,
        data_source="Check-ins of the key result, then manual entry",
        origin_key_result=key_result,
        **plan.fields(),
    )
    history = promotion_history(key_result, plan)
    for start in range(0, len(history), MAX_BATCH):
        record_measurements(
            actor=actor, kpi=kpi, points=history[start : start + MAX_BATCH], source=source
        )
    update_key_result(actor=actor, key_result=key_result, kpi=kpi, kpi_mode=KpiLinkMode.LATEST)
    return kpi


@transaction.atomic
def promote_key_result(
    *,
    actor: Person | None,
    key_result: KeyResult,
    frequency: str = Frequency.WEEKLY.value,
    aggregation: str = Aggregation.LAST.value,
) -> Kpi:
    """Turn a key result into a permanent KPI: same unit, direction and target, its start
    value and check-in history copied as measurements, and the key result linked to the new
    KPI (which gives it its value at once)."""
    plan = promotion_plan(key_result)
    objective = key_result.objective
    kpi = kpi_from_plan(
        actor=actor,
        key_result=key_result,
        plan=plan,
        description=(
            f"Promoted from the key result “{key_result.title}” of “{objective.title}” "
            f"({objective.cycle.name})."
        ),
        frequency=frequency,
        aggregation=aggregation,
    )
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="key_result.promoted",
        obj=kpi,
        changes={"key_result": [None, key_result.pk], "check_ins_copied": [None, plan.check_ins]},
    )
    return kpi
