"""Flag: a red KPI proposes a recovery objective ("bring X back to target").

A recovery is open while its objective is neither closed nor left behind in a closed cycle;
only an open one blocks another. A recovery draft whose cycle closed can be carried over
(as any draft, on the cycle's carry-over page) or dismissed here (docs/kpis.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.bridges.queries import open_recovery
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.kpis import Direction, Health
from goalkeeper.domain.limits import bounded
from goalkeeper.kpis.models import Kpi, RecoveryLink
from goalkeeper.kpis.queries import kpi_status
from goalkeeper.okrs.cycles import active_cycle
from goalkeeper.okrs.models import (
    CycleState,
    KpiLinkMode,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)
from goalkeeper.okrs.services import create_key_result, create_objective


def _number(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit else text


@transaction.atomic
def create_recovery_objective(
    *, actor: Person | None, kpi: Kpi, now: dt.datetime | None = None
) -> Objective:
    """A draft objective "bring X back to target" in the active cycle, for the KPI's team.

    Its key result is linked to the KPI (latest value), starts at the value that made the KPI
    red and targets the KPI's target; for an in-range KPI, the nearer bound. Refused unless
    the KPI is red, while a recovery is open, or without a cycle.
    """
    now = now or timezone.now()
    # Lock the KPI's row (PostgreSQL; SQLite serialises writers anyway), so that two
    # clicks cannot both find no open recovery and open two.
    list(Kpi.objects.select_for_update().filter(pk=kpi.pk).order_by().values_list("pk"))
    workspace = kpi.workspace
    status = kpi_status(kpi, workspace, now)
    if status.health is not Health.RED or status.value is None:
        raise ValidationError(
            {"kpi": "Only a red KPI needs a recovery objective: this one is not red."}
        )
    already = open_recovery(kpi)
    if already is not None:
        raise ValidationError(
            {"kpi": f"The recovery objective “{already.objective.title}” is already open."}
        )
    cycle = active_cycle(workspace)
    if cycle is None:
        raise ValidationError(
            {"cycle": "There is no open cycle to hold the objective: an admin must start one."}
        )
    current = status.value
    kind, target = recovery_goal(kpi, current)
    target_text = _number(target, kpi.unit)
    objective = create_objective(
        actor=actor,
        cycle=cycle,
        team=kpi.team,
        title=f"Bring {kpi.name} back to target"[:200],
        owner=kpi.owner,
        description=(
            f"Created from the KPI “{kpi.name}”, red at {_number(current, kpi.unit)} "
            f"against a target of {target_text}."
        ),
        kind=ObjectiveKind.COMMITTED,
        state=ObjectiveState.DRAFT,
    )
    create_key_result(
        actor=actor,
        objective=objective,
        title=f"{kpi.name} reaches {target_text}"[:200],
        kind=kind,
        unit=kpi.unit,
        owner=kpi.owner,
        # A period's sum may pass the range a start must keep: held at the limit.
        start=bounded(current),
        target=target,
        kpi=kpi,
        kpi_mode=KpiLinkMode.LATEST,
    )
    RecoveryLink.objects.create(kpi=kpi, objective=objective, created_by=actor)
    record(
        workspace=workspace,
        actor=actor,
        action="kpi.recovery_created",
        obj=kpi,
        changes={"objective": [None, objective.pk], "value": [None, current]},
    )
    return objective


def recovery_goal(kpi: Kpi, current: float) -> tuple[str, float]:
    """(key result kind, target) that brings `current` back to the KPI's goal."""
    direction = Direction(kpi.direction)
    if direction is Direction.IN_RANGE:
        if kpi.low is not None and current < kpi.low:
            return KeyResultKind.INCREASE.value, kpi.low
        assert kpi.high is not None  # a red in-range value lies below low or above high
        return KeyResultKind.DECREASE.value, kpi.high
    assert kpi.target is not None  # required for these directions, checked on save
    if direction is Direction.HIGHER_IS_BETTER:
        return KeyResultKind.INCREASE.value, kpi.target
    return KeyResultKind.DECREASE.value, kpi.target


@transaction.atomic
def dismiss_recovery(*, actor: Person | None, recovery: RecoveryLink) -> None:
    """Forget a recovery draft left behind in a closed cycle: it is no longer the KPI's.

    The draft itself stays in its closed cycle, as history. An open recovery is refused
    (close or delete its objective instead), and so is a closed one: it is history already.
    """
    objective = recovery.objective
    if objective.state == ObjectiveState.CLOSED:
        raise ValidationError({"objective": "This recovery objective is closed: it is history."})
    if objective.cycle.state != CycleState.CLOSED:
        raise ValidationError(
            {
                "objective": "This recovery objective is still open in its cycle: "
                "close or delete it there."
            }
        )
    kpi = recovery.kpi
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.recovery_dismissed",
        obj=kpi,
        changes={"objective": [objective.pk, None]},
    )
    recovery.delete()
