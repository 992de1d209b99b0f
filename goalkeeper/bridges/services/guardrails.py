"""Guardrails: KPIs that must stay healthy while an objective is pursued (docs/okrs.md).

The owner of the objective or an editor adds and removes them; each write records an audit
entry on the objective and emits `objective.updated` (its guardrails are part of it). The
flag itself is never stored: an objective is flagged while one of its guardrails is red or
signals, read from the KPI's stored figures (`goalkeeper.bridges.guardrail_queries`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.bridges.models import NOTE_MAX, Guardrail
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.events import objective_event
from goalkeeper.okrs.models import Objective, ObjectiveState


def may_guard(person: Person, objective: Objective) -> bool:
    """Its owner and the editors set an objective's guardrails."""
    return person.can_edit or (objective.owner_id is not None and objective.owner_id == person.pk)


def require_guard(person: Person, objective: Objective) -> None:
    """403 unless `person` may set the objective's guardrails."""
    if not may_guard(person, objective):
        raise PermissionDenied(_("only the objective's owner and editors set its guardrails"))


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": f"The note is {len(note)} characters long: at most {NOTE_MAX} fit."}
        )
    return note


@transaction.atomic
def add_guardrail(
    *, actor: Person | None, objective: Objective, kpi: Kpi, note: str = ""
) -> Guardrail:
    """Let `kpi` guard `objective`. Refused for a closed objective, an archived KPI, a KPI
    of another workspace and a KPI that guards the objective already."""
    note = _clean_note(note)
    if kpi.workspace_id != objective.workspace_id:
        raise ValidationError({"kpi": "No such KPI in this workspace."})
    if objective.state == ObjectiveState.CLOSED:
        raise ValidationError(
            {"objective": "This objective is closed: its guardrails are history."}
        )
    if kpi.archived_at is not None:
        raise ValidationError({"kpi": f"The KPI “{kpi.name}” is archived: it cannot guard."})
    if Guardrail.objects.filter(objective=objective, kpi=kpi).exists():
        raise ValidationError({"kpi": f"The KPI “{kpi.name}” guards this objective already."})
    try:
        with transaction.atomic():
            guardrail = Guardrail.objects.create(
                workspace_id=objective.workspace_id,
                objective=objective,
                kpi=kpi,
                note=note,
                created_by=actor,
            )
    except IntegrityError as error:  # a concurrent add of the same pair
        raise ValidationError(
            {"kpi": f"The KPI “{kpi.name}” guards this objective already."}
        ) from error
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.guardrail_added",
        obj=objective,
        changes={"kpi": [None, kpi.pk], "note": [None, note]},
    )
    objective_event("objective.updated", objective)
    return guardrail


@transaction.atomic
def remove_guardrail(*, actor: Person | None, guardrail: Guardrail) -> None:
    """The KPI no longer guards the objective."""
    objective = guardrail.objective
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.guardrail_removed",
        obj=objective,
        changes={"kpi": [guardrail.kpi_id, None]},
    )
    guardrail.delete()
    objective_event("objective.updated", objective)
