"""A guardrail that trips tells the owners of the objectives it guards (docs/okrs.md).

A KPI that turns red (`kpi.health_changed` with `after` red) or signals (`kpi.signal`)
flags every open objective it guards; each objective's owner gets one inbox item, until they
read it or the guardrail trips again after recovering.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from goalkeeper.bridges.guardrail_queries import guarded_objectives
from goalkeeper.events import Event
from goalkeeper.notifications import services


def _tell(event: Event, *, signal: bool) -> None:
    kpi_id = int(event.payload["kpi"]["id"])
    for guarded in guarded_objectives(kpi_id):
        if guarded.owner_id is None:
            continue
        name, title = guarded.kpi_name, guarded.title

        def heading(name: str = name, title: str = title) -> str:
            if signal:
                return _("Guardrail %(kpi)s signals on %(objective)s") % {
                    "kpi": name,
                    "objective": title,
                }
            return _("Guardrail %(kpi)s is red on %(objective)s") % {
                "kpi": name,
                "objective": title,
            }

        def body(name: str = name) -> str:
            return _(
                "%(kpi)s must stay healthy while the objective is pursued: check that "
                "progress is not bought at its expense."
            ) % {"kpi": name}

        services.notify(
            workspace_id=event.workspace_id,
            people=[guarded.owner_id],
            kind="guardrail",
            title=heading,
            body=body,
            url=reverse("objective_detail", args=[guarded.objective_id]) + "#guardrails",
            subject=("objective", guarded.objective_id),
            key=f"guardrail:{guarded.objective_id}:{kpi_id}:{'signal' if signal else 'red'}",
        )


def health_changed(event: Event) -> None:
    """A guardrail KPI that turned red flags the objectives it guards."""
    if event.payload.get("after") == "red" and event.payload.get("before") != "red":
        _tell(event, signal=False)


def signalled(event: Event) -> None:
    """A guardrail KPI that signals flags the objectives it guards."""
    _tell(event, signal=True)
