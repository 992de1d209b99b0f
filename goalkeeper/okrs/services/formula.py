"""Several KPIs into one key result: the formula and its KPIs (docs/cascade.md).

`okrs` does not import `kpis`: the KPIs are found through `goalkeeper.okrs.kpi_links`, and
their values arrive from the bridges, which receive `key_result_kpi_changed` and check in
the value the formula makes.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.domain.formulas import Formula, input_count_problem
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.kpi_links import find_kpi
from goalkeeper.okrs.models import KeyResult, KpiFormula, KpiInput, KpiLinkMode, ObjectiveState
from goalkeeper.okrs.services.check_ins import link_changed, lock_key_result
from goalkeeper.okrs.services.common import ensure_cycle_open


def _checked_ids(key_result: KeyResult, formula: Formula, kpi_ids: Sequence[int]) -> list[int]:
    """The KPI ids in order, each a KPI of the key result's workspace; refuses with `kpis`."""
    ids = [int(kpi_id) for kpi_id in kpi_ids]
    if len(set(ids)) != len(ids):
        raise ValidationError({"kpis": gettext_noop("each KPI can be used once")})
    problem = input_count_problem(formula, len(ids))
    if problem is not None:
        raise ValidationError({"kpis": problem})
    missing = [str(pk) for pk in ids if find_kpi(key_result.workspace_id, pk) is None]
    if missing:
        raise ValidationError({"kpis": f"no such KPI in this workspace: {', '.join(missing)}"})
    return ids


def _refusal(key_result: KeyResult, formula: str, mode: str) -> dict[str, str]:
    if formula not in KpiFormula.values:
        return {"kpi_formula": f"must be one of {', '.join(v for v in KpiFormula.values if v)}"}
    if mode not in KpiLinkMode.values:
        return {"kpi_mode": f"must be one of {', '.join(KpiLinkMode.values)}"}
    if not formula:
        return {}
    if key_result.objective.state == ObjectiveState.CLOSED:
        return {"key_result": gettext_noop("the objective is closed: its numbers are final")}
    if key_result.kind == KeyResultKind.MILESTONE:
        return {
            "kpi_formula": gettext_noop("a milestone is done or not done: KPIs cannot drive it")
        }
    if key_result.rolls_up:
        return {
            "kpi_formula": gettext_noop(
                "this key result adds up its contributors: it cannot read KPIs"
            )
        }
    return {}


@transaction.atomic
def set_kpi_formula(
    *,
    actor: Person | None,
    key_result: KeyResult,
    formula: str,
    kpi_ids: Sequence[int],
    mode: str = KpiLinkMode.LATEST,
) -> KeyResult:
    """Let several KPIs make the key result's value by `formula` (sum, average, ratio of
    the first over the second), each read as `mode` says; it replaces a single KPI link.

    An empty formula or no KPIs clears it (the check-ins stay). Refuses with the field named
    (`kpi_formula`, `kpis`, `kpi_mode`). Audits `key_result.updated` with the formula and
    the KPIs, emits `key_result.updated`, and sends `key_result_kpi_changed`, so that the
    bridges check in the value at once.
    """
    ensure_cycle_open(key_result.objective.cycle)
    if not kpi_ids:
        formula = KpiFormula.NONE
    refusal = _refusal(key_result, formula, mode)
    if refusal:
        raise ValidationError(refusal)
    ids = _checked_ids(key_result, Formula(formula), kpi_ids) if formula else []
    lock_key_result(key_result)
    status_before = okr_events.status_of(key_result)
    ids_before = list(key_result.inputs.order_by("position", "id").values_list("kpi_id", flat=True))
    before = {
        "kpi": key_result.kpi_id,
        "kpi_formula": key_result.kpi_formula,
        "kpi_mode": key_result.kpi_mode,
        "kpis": ids_before,
    }
    if formula:  # a formula replaces a single KPI; clearing one leaves a single KPI be
        key_result.kpi = None
    key_result.kpi_formula = formula
    key_result.kpi_mode = mode if formula else key_result.kpi_mode
    key_result.full_clean()
    key_result.save()
    if ids != ids_before:
        KpiInput.objects.filter(key_result=key_result).delete()
        KpiInput.objects.bulk_create(
            KpiInput(key_result=key_result, kpi_id=pk, position=i) for i, pk in enumerate(ids)
        )
    after = {
        "kpi": key_result.kpi_id,
        "kpi_formula": key_result.kpi_formula,
        "kpi_mode": key_result.kpi_mode,
        "kpis": ids,
    }
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not changes:
        return key_result
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.updated",
        obj=key_result,
        changes=changes,
    )
    okr_events.key_result_event("key_result.updated", key_result)
    okr_events.key_result_status_changed(key_result, status_before)
    link_changed(key_result)
    return key_result
