"""How a caller reaches a KPI's recovery objective: one condition a line; an objective that
is not a recovery of this KPI (another workspace's included) is missing (404)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.models import Person
from goalkeeper.kpis.models import Kpi, RecoveryLink


def access_recovery_by_id(
    person: Person, kpi: Kpi, objective_id: int, *, for_write: bool = False
) -> RecoveryLink:
    """The recovery objective `objective_id` of `kpi` (a KPI the caller already reached)."""
    link = (
        RecoveryLink.objects.select_related("objective", "objective__cycle")
        .filter(kpi=kpi, objective_id=objective_id, objective__workspace_id=person.workspace_id)
        .first()
    )
    if link is None:
        raise Http404(_("no such recovery objective of this KPI"))
    link.kpi = kpi  # the caller's copy, already loaded
    if for_write:
        require_editor(person)
    return link
