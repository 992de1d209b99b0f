"""Drive by a formula: several KPIs make one key result's value (docs/cascade.md).

Each KPI is read as the key result reads a single KPI (`kpi_mode`: its latest period or
its aggregate over the cycle), then the values are combined by `formula_value`. The value
arrives as an automatic check-in when the formula is set (`key_result_kpi_changed`) and
whenever one of its KPIs receives values (`measurements_recorded`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet

from goalkeeper.accounts.models import Person
from goalkeeper.bridges.services.drive import key_result_values
from goalkeeper.domain.formulas import formula_value
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import bounded
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import (
    CheckIn,
    CycleState,
    KeyResult,
    KpiFormula,
    KpiInput,
    KpiLinkMode,
    ObjectiveState,
)
from goalkeeper.okrs.services import record_check_in, set_kpi_formula


def _formula_key_results() -> QuerySet[KeyResult]:
    """Key results driven by a formula that may still move: measurable, in an open objective."""
    return (
        KeyResult.objects.exclude(kpi_formula=KpiFormula.NONE)
        .exclude(kind=KeyResultKind.MILESTONE)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .exclude(objective__cycle__state=CycleState.CLOSED)
        .select_related("objective", "objective__cycle", "workspace")
        .order_by("id")
    )


def formula_values(key_results: Sequence[KeyResult]) -> dict[int, float | None]:
    """The value each key result's formula makes now: one query for the inputs, then one
    window read per KPI, whatever the number of key results reading it."""
    inputs = list(
        KpiInput.objects.filter(key_result__in=[kr.pk for kr in key_results])
        .select_related("kpi", "kpi__workspace")
        .order_by("key_result_id", "position", "id")
    )
    by_key_result = {kr.pk: kr for kr in key_results}
    kpis: dict[int, Kpi] = {}
    readers: dict[int, list[KeyResult]] = defaultdict(list)
    order: dict[int, list[int]] = defaultdict(list)
    for row in inputs:
        kpis[row.kpi_id] = row.kpi
        readers[row.kpi_id].append(by_key_result[row.key_result_id])
        order[row.key_result_id].append(row.kpi_id)
    read = {pk: key_result_values(kpis[pk], readers[pk]) for pk in kpis}
    return {
        kr.pk: formula_value(kr.kpi_formula, [read[pk][kr.pk] for pk in order[kr.pk]])
        for kr in key_results
    }


def _note(key_result: KeyResult) -> str:
    how = (
        f"over {key_result.objective.cycle.name}"
        if key_result.kpi_mode == KpiLinkMode.CYCLE_AGGREGATE
        else "latest values"
    )
    label = KpiFormula(key_result.kpi_formula).label
    return f"Automatic: {label[0].lower()}{label[1:]}, {how}."


def sync_formula_key_results(
    *, kpi: Kpi | None = None, only: KeyResult | None = None, skip_unchanged: bool = False
) -> list[CheckIn]:
    """Check in the value of each formula key result that reads `kpi` (or of `only`).

    A key result whose formula makes no value (a KPI without values in its window, a
    ratio whose denominator is 0) is left as it is; so is, with `skip_unchanged`, one already there.
    """
    rows = _formula_key_results()
    if kpi is not None:
        rows = rows.filter(inputs__kpi=kpi)
    if only is not None:
        rows = rows.filter(pk=only.pk)
    key_results = list(rows.distinct())
    if not key_results:
        return []
    values = formula_values(key_results)
    check_ins = []
    for kr in key_results:
        value = bounded(values[kr.pk])
        if value is None or (skip_unchanged and value == kr.current):
            continue
        check_ins.append(
            record_check_in(
                actor=None,
                key_result=kr,
                value=value,
                confidence=kr.confidence,
                note=_note(kr),
                automatic=True,
            )
        )
    return check_ins


@transaction.atomic
def drive_by_formula(
    *,
    actor: Person | None,
    key_result: KeyResult,
    formula: str,
    kpis: Sequence[Kpi],
    mode: str = KpiLinkMode.LATEST,
) -> KeyResult:
    """Let several KPIs drive `key_result` by `formula` ("sum", "average", "ratio"); an
    empty formula or no KPIs clears it. The key result takes the value at once."""
    return set_kpi_formula(
        actor=actor,
        key_result=key_result,
        formula=formula if kpis else "",
        kpi_ids=[kpi.pk for kpi in kpis],
        mode=mode,
    )
