"""Split a KPI's target across people or teams (docs/cascade.md, "Splitting a target").

A KPI has no cycle; the split happens on the key result that carries the KPI in a cycle:
one the user chose among the key results linked to it, or a new draft objective "Reach
<KPI> target" with a key result linked to the KPI. The shares then contribute to that key
result; they are listed, not rolled up, since the key result reads the KPI.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.domain.formatting import with_unit
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.kpis import Direction
from goalkeeper.domain.limits import bounded
from goalkeeper.domain.periods import Frequency, period_of
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.series import window_values
from goalkeeper.okrs.models import (
    Cycle,
    KeyResult,
    KpiLinkMode,
    ObjectiveKind,
    ObjectiveState,
)
from goalkeeper.okrs.services import (
    Share,
    create_key_result,
    create_objective,
    ensure_cycle_open,
    split_target,
)

_LATEST = "latest"


def latest_value(kpi: Kpi) -> float | None:
    """The KPI's value for its newest period holding a measurement (what `latest` reads)."""
    if kpi.last_measurement_at is None:
        return None
    workspace = kpi.workspace
    newest = period_of(
        kpi.last_measurement_at.astimezone(workspace.zone),
        Frequency(kpi.frequency),
        workspace.fiscal_year_start_month,
    )
    return window_values(kpi, {_LATEST: (newest.start, newest.end)})[_LATEST]


def _chosen(kpi: Kpi, cycle: Cycle, key_result: KeyResult) -> KeyResult:
    if key_result.kpi_id != kpi.pk:
        raise ValidationError(
            {"key_result": gettext_noop("must be a key result that reads this KPI")}
        )
    if key_result.objective.cycle_id != cycle.pk:
        raise ValidationError({"key_result": f"must be a key result of {cycle.name}"})
    if key_result.objective.state == ObjectiveState.CLOSED:
        raise ValidationError(
            {"key_result": gettext_noop("its objective is closed: its numbers are final")}
        )
    return key_result


def _carrier(*, actor: Person | None, kpi: Kpi, cycle: Cycle) -> KeyResult:
    if kpi.direction == Direction.IN_RANGE or kpi.target is None:
        raise ValidationError(
            {
                "kpi": gettext_noop(
                    "this KPI keeps a range, not a target: there is no amount to split"
                )
            }
        )
    start = bounded(latest_value(kpi))
    if start is None:
        raise ValidationError(
            {"kpi": gettext_noop("this KPI has no value yet to start the key result from")}
        )
    kind = (
        KeyResultKind.INCREASE
        if kpi.direction == Direction.HIGHER_IS_BETTER
        else KeyResultKind.DECREASE
    )
    target_text = with_unit(kpi.target, kpi.unit)
    objective = create_objective(
        actor=actor,
        cycle=cycle,
        team=kpi.team,
        owner=kpi.owner,
        title=f"Reach {kpi.name} target"[:200],
        description=f"Created to split the KPI “{kpi.name}”'s target of {target_text}.",
        kind=ObjectiveKind.COMMITTED,
        state=ObjectiveState.DRAFT,
    )
    return create_key_result(
        actor=actor,
        objective=objective,
        title=f"{kpi.name} reaches {target_text}"[:200],
        kind=kind.value,
        unit=kpi.unit,
        owner=kpi.owner,
        start=start,
        target=kpi.target,
        kpi=kpi,
        kpi_mode=KpiLinkMode.LATEST,
    )


@transaction.atomic
def split_kpi_target(
    *,
    actor: Person | None,
    kpi: Kpi,
    cycle: Cycle,
    method: str,
    shares: Sequence[Share],
    key_result: KeyResult | None = None,
) -> list[KeyResult]:
    """Split the KPI's target in `cycle` across `shares`; returns the key results made.

    `key_result`: the key result already carrying the KPI in that cycle, if the user chose
    one; else a new draft objective and key result carry it (start: the KPI's latest value).
    Refused with the field named, as `split_target` refuses, and: a cycle of another
    workspace or closed, a KPI with a range or no value, a key result not reading the KPI.
    """
    if cycle.workspace_id != kpi.workspace_id:
        raise ValidationError({"cycle": gettext_noop("must belong to the same workspace")})
    ensure_cycle_open(cycle)
    if not shares:
        # Before a carrier is made: a refused split leaves nothing behind either way.
        raise ValidationError({"shares": gettext_noop("add at least one share")})
    carrier = (
        _carrier(actor=actor, kpi=kpi, cycle=cycle)
        if key_result is None
        else _chosen(kpi, cycle, key_result)
    )
    made = split_target(
        actor=actor, key_result=carrier, method=method, shares=shares, roll_up=False
    )
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.target_split",
        obj=kpi,
        changes={
            "key_result": [None, carrier.pk],
            "key_results": [None, [row.pk for row in made]],
        },
    )
    return made
