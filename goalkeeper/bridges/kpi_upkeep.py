"""What of the OKRs links to a KPI, for the page that archives or deletes it: the key results
that read it (alone or in a formula) and its recovery objectives (`goalkeeper.kpis.links`,
registered in `BridgesConfig.ready`). One count and one short list per kind."""

from __future__ import annotations

from django.utils.translation import gettext as _

from goalkeeper.bridges.queries import objective_url
from goalkeeper.kpis.links import MAX_NAMED, Linked, LinkGroup
from goalkeeper.kpis.models import Kpi, RecoveryLink
from goalkeeper.okrs.models import KeyResult, KpiInput


def driven_key_results(kpi: Kpi) -> LinkGroup:
    """Key results whose value is the KPI's."""
    rows = KeyResult.objects.filter(kpi=kpi)
    named = rows.select_related("objective").order_by("-id")[:MAX_NAMED]
    return LinkGroup(
        kind="key_results",
        label=_("Key results that read its value"),
        count=rows.count(),
        items=tuple(
            Linked(f"{kr.title} ({kr.objective.title})", objective_url(kr.objective_id))
            for kr in named
        ),
        on_archive=_("They keep reading its values."),
        on_delete=_("They keep their last value and are unlinked: then they take check-ins."),
    )


def formula_key_results(kpi: Kpi) -> LinkGroup:
    """Key results whose formula reads the KPI among others."""
    rows = KpiInput.objects.filter(kpi=kpi)
    named = rows.select_related("key_result").order_by("-id")[:MAX_NAMED]
    return LinkGroup(
        kind="formula_inputs",
        label=_("Key results whose formula reads it"),
        count=rows.count(),
        items=tuple(
            Linked(row.key_result.title, objective_url(row.key_result.objective_id))
            for row in named
        ),
        on_archive=_("Their formulas keep reading it."),
        on_delete=_("They keep their value; their formulas read the other KPIs from then on."),
    )


def recoveries(kpi: Kpi) -> LinkGroup:
    """Objectives opened to bring the KPI back to target."""
    rows = RecoveryLink.objects.filter(kpi=kpi)
    named = rows.select_related("objective").order_by("-id")[:MAX_NAMED]
    return LinkGroup(
        kind="recoveries",
        label=_("Recovery objectives"),
        count=rows.count(),
        items=tuple(
            Linked(link.objective.title, objective_url(link.objective_id)) for link in named
        ),
        on_archive=_("They stay as they are."),
        on_delete=_("The objectives stay; their link to this KPI goes."),
    )
