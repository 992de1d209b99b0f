"""How a caller reaches a KPI: one condition a line, another workspace's KPI is missing."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.models import Person
from goalkeeper.kpis.models import Kpi


def access_kpi_by_id(person: Person, kpi_id: int, *, for_write: bool = False) -> Kpi:
    kpi = (
        Kpi.objects.select_related("team", "owner")
        .filter(pk=kpi_id, workspace_id=person.workspace_id)
        .first()
    )
    if kpi is None:
        raise Http404(_("no such KPI"))
    if for_write:
        require_editor(person)
    return kpi
