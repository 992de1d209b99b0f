"""How a caller reaches a KPI's recovery objective, an objective's guardrail or a KPI's
driver link: one condition a line; an objective that is not a recovery of this KPI (another
workspace's included) is missing (404)."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.models import Person
from goalkeeper.bridges.models import DriverLink, Guardrail
from goalkeeper.bridges.services.guardrails import require_guard
from goalkeeper.kpis.models import Kpi, RecoveryLink
from goalkeeper.okrs.models import Objective


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


def access_guardrail_by_kpi(person: Person, objective: Objective, kpi_id: int) -> Guardrail:
    """The guardrail `kpi_id` of `objective` (an objective the caller already reached), for
    its owner or an editor; another objective's or workspace's is missing (404)."""
    guardrail = (
        Guardrail.objects.select_related("objective", "kpi")
        .filter(objective=objective, kpi_id=kpi_id, workspace_id=person.workspace_id)
        .first()
    )
    if guardrail is None:
        raise Http404(_("no such guardrail of this objective"))
    guardrail.objective = objective
    require_guard(person, objective)
    return guardrail


def access_driver_link_by_id(person: Person, kpi: Kpi, link_id: int) -> DriverLink:
    """The driver link `link_id` that starts or ends at `kpi`, for an editor; any other
    (another workspace's included) is missing (404)."""
    link = (
        DriverLink.objects.select_related("leading", "leading__workspace")
        .filter(pk=link_id, workspace_id=person.workspace_id)
        .filter(Q(leading=kpi) | Q(lagging_kpi=kpi))
        .first()
    )
    if link is None:
        raise Http404(_("no such driver link of this KPI"))
    require_editor(person)
    return link
