"""Driver links: "this KPI drives that KPI or key result" (leading -> lagging; docs/kpis.md).

Editors declare and remove them from the leading KPI. Each write records an audit entry on
the leading KPI and emits `kpi.updated` for it. The correlation shown beside a link is read,
never stored (`goalkeeper.bridges.driver_queries`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.bridges.models import NOTE_MAX, DriverLink
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.kpis.events import kpi_event
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import KeyResult


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": f"The note is {len(note)} characters long: at most {NOTE_MAX} fit."}
        )
    return note


def _check_kpi(leading: Kpi, lagging: Kpi) -> None:
    if lagging.workspace_id != leading.workspace_id:
        raise ValidationError({"kpi": "No such KPI in this workspace."})
    if lagging.pk == leading.pk:
        raise ValidationError({"kpi": "A KPI cannot drive itself: pick another KPI."})
    if DriverLink.objects.filter(leading=leading, lagging_kpi=lagging).exists():
        raise ValidationError({"kpi": f"“{leading.name}” drives “{lagging.name}” already."})
    if DriverLink.objects.filter(leading=lagging, lagging_kpi=leading).exists():
        raise ValidationError(
            {"kpi": f"“{lagging.name}” is declared to drive “{leading.name}”: not both ways."}
        )


def _check_key_result(leading: Kpi, key_result: KeyResult) -> None:
    if key_result.workspace_id != leading.workspace_id:
        raise ValidationError({"key_result": "No such key result in this workspace."})
    if key_result.kind == KeyResultKind.MILESTONE:
        raise ValidationError(
            {"key_result": "A milestone has no values to correlate: pick a metric key result."}
        )
    if key_result.kpi_id == leading.pk:
        raise ValidationError(
            {"key_result": "This key result reads its value from this KPI: it is not driven by it."}
        )
    if DriverLink.objects.filter(leading=leading, lagging_key_result=key_result).exists():
        raise ValidationError(
            {"key_result": f"“{leading.name}” drives “{key_result.title}” already."}
        )


@transaction.atomic
def add_driver_link(
    *,
    actor: Person | None,
    leading: Kpi,
    kpi: Kpi | None = None,
    key_result: KeyResult | None = None,
    note: str = "",
) -> DriverLink:
    """Declare that `leading` drives `kpi` or `key_result` (exactly one of them)."""
    note = _clean_note(note)
    if (kpi is None) == (key_result is None):
        raise ValidationError({"kpi": "Give either a KPI or a key result that this KPI drives."})
    if kpi is not None:
        _check_kpi(leading, kpi)
    else:
        assert key_result is not None
        _check_key_result(leading, key_result)
    try:
        with transaction.atomic():
            link = DriverLink.objects.create(
                workspace_id=leading.workspace_id,
                leading=leading,
                lagging_kpi=kpi,
                lagging_key_result=key_result,
                note=note,
                created_by=actor,
            )
    except IntegrityError as error:  # a concurrent add of the same pair
        field = "kpi" if kpi is not None else "key_result"
        raise ValidationError({field: "This driver link exists already."}) from error
    lagging_field = "kpi" if kpi is not None else "key_result"
    lagging_id = kpi.pk if kpi is not None else key_result.pk  # type: ignore[union-attr]
    record(
        workspace=leading.workspace,
        actor=actor,
        action="kpi.driver_added",
        obj=leading,
        changes={lagging_field: [None, lagging_id], "note": [None, note]},
    )
    kpi_event("kpi.updated", leading)
    return link


@transaction.atomic
def remove_driver_link(*, actor: Person | None, link: DriverLink) -> None:
    """Forget a driver link."""
    leading = link.leading
    if link.lagging_kpi_id is not None:
        changes = {"kpi": [link.lagging_kpi_id, None]}
    else:
        changes = {"key_result": [link.lagging_key_result_id, None]}
    record(
        workspace=leading.workspace,
        actor=actor,
        action="kpi.driver_removed",
        obj=leading,
        changes=changes,
    )
    link.delete()
    kpi_event("kpi.updated", leading)
