"""The KPI's split page: share a KPI's target among people or teams in a cycle.

The rows, preview and errors are the key result's split page's (`goalkeeper.okrs.views.
split`); here the page also chooses the cycle and, optionally, the key result already
carrying the KPI there. One call of `split_kpi_target` on submit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.bridges.services import latest_value, split_kpi_target
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, ObjectiveState
from goalkeeper.okrs.views.common import objective_url
from goalkeeper.okrs.views.split import created_message, render_split, split_page

# The key results already reading a KPI in one cycle are a handful; the list is capped.
CARRIERS_MAX = 50


def _open_cycles(kpi: Kpi) -> list[Cycle]:
    return list(
        Cycle.objects.filter(workspace_id=kpi.workspace_id)
        .exclude(state=CycleState.CLOSED)
        .order_by("-state", "start_date", "id")
    )


def _carriers(kpi: Kpi, cycle: Cycle) -> list[KeyResult]:
    return list(
        KeyResult.objects.filter(kpi=kpi, objective__cycle=cycle)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .select_related("objective", "objective__cycle")
        .order_by("id")[:CARRIERS_MAX]
    )


def _chosen(options: list[Cycle] | list[KeyResult], text: str) -> Cycle | KeyResult | None:
    return next((row for row in options if str(row.pk) == text), None)


@member_required
@require_http_methods(["GET", "POST"])
def kpi_split(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Split a KPI's target in a cycle: GET shows the form, POST previews or splits."""
    kpi = access_kpi_by_id(person, pk, for_write=True)
    cycles = _open_cycles(kpi)
    cycle = _chosen(cycles, request.POST.get("cycle", "")) or (cycles[0] if cycles else None)
    if not isinstance(cycle, Cycle):
        messages.error(request, _("There is no open cycle to split the target in."))
        return redirect("kpi_detail", pk=kpi.pk)
    carriers = _carriers(kpi, cycle)
    carrier = _chosen(carriers, request.POST.get("key_result", ""))
    page = split_page(request, workspace=person.workspace, cycle=cycle)
    if page.action == "split" and page.valid():
        try:
            made = split_kpi_target(
                actor=person,
                kpi=kpi,
                cycle=cycle,
                method=page.method,
                shares=page.shares(),
                key_result=carrier if isinstance(carrier, KeyResult) else None,
            )
        except ValidationError as error:
            page.refuse(error)
        else:
            source = made[0].contributes_to
            assert source is not None  # every share contributes to the carrier
            messages.success(request, created_message(source.title, made, kpi.unit))
            return redirect(objective_url(source.objective_id))
    start = latest_value(kpi)
    preview = page.preview(start=start or 0.0, target=kpi.target or 0.0)
    context = {
        "person": person,
        "kpi": kpi,
        "cycle": cycle,
        "cycles": cycles,
        "carrier_key_results": carriers,
        "carrier": carrier,
        "page": page,
        "preview": preview,
        "rows": list(zip(page.numbers, page.rows, preview.rows, strict=True)),
        "carriers": [row.carrier() for row in page.rows],
        "unit": kpi.unit,
        "target": kpi.target,
        "start": start,
        "reads_kpi": True,
        "roll_up": False,
        "back_url": f"/kpis/{kpi.pk}/",
        "extra_fields": "bridges/_kpi_split_fields.html",
    }
    return render_split(request, "bridges/kpi_split.html", context, page)
