"""Shape: a key result follows last year's shape of the KPI it reads (docs/signals.md,
"Phased targets").

Each month's end of the key result's cycle gets the value that moves the same share of the
way from its start to its target as the KPI had moved of its whole change by the same day a
year earlier. What "the KPI's value" is follows the link's mode: `latest`, the KPI's value for
the period holding that day; `cycle_aggregate`, its aggregate from the cycle's first day a
year earlier to that day (from nothing, 0, before it).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.periods import Frequency, period_of
from goalkeeper.domain.phasing import Phase, month_ends, phases_from_shape, year_earlier
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.series import window_values
from goalkeeper.okrs.models import KeyResult, KpiLinkMode
from goalkeeper.okrs.services import update_key_result

NO_KPI = gettext_noop("link a KPI first: its last year gives the shape")
NOT_A_NUMBER = gettext_noop("only an increase or decrease follows phased targets")
NO_START = gettext_noop("phased targets start from the start value: give one")
FLAT = gettext_noop("the KPI ended where it began a year earlier: there is no shape to follow")


def _day_end(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    return period_of(noon, Frequency.DAILY).end


def last_year_values(
    kpi: Kpi, mode: str, start: dt.date, ends: tuple[dt.date, ...]
) -> list[float | None]:
    """The KPI's value just before `start` and by each of `ends`, all a year earlier, in one
    query (what `phasing.phases_from_shape` takes)."""
    workspace = kpi.workspace
    zone = workspace.zone
    windows: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    if mode == KpiLinkMode.CYCLE_AGGREGATE:
        first = period_of(
            dt.datetime.combine(year_earlier(start), dt.time(12), tzinfo=zone), Frequency.DAILY
        ).start
        for index, end in enumerate(ends):
            windows[str(index)] = (first, _day_end(year_earlier(end), zone))
        values = window_values(kpi, windows)
        return [0.0, *(values[str(index)] for index in range(len(ends)))]
    days = [start - dt.timedelta(days=1), *ends]
    for index, day in enumerate(days):
        noon = dt.datetime.combine(year_earlier(day), dt.time(12), tzinfo=zone)
        period = period_of(noon, Frequency(kpi.frequency), workspace.fiscal_year_start_month)
        windows[str(index)] = (period.start, period.end)
    values = window_values(kpi, windows)
    return [values[str(index)] for index in range(len(days))]


def shape_phases(key_result: KeyResult) -> tuple[Phase, ...]:
    """The phases that follow last year's shape of the key result's KPI; refused, with the
    reason under `phases`, when there is none to follow."""
    kpi = key_result.kpi
    if kpi is None:
        raise ValidationError({"phases": NO_KPI})
    if key_result.kind not in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
        raise ValidationError({"phases": NOT_A_NUMBER})
    if key_result.start is None or key_result.target is None:
        raise ValidationError({"phases": NO_START})
    cycle = key_result.objective.cycle
    ends = month_ends(cycle.start_date, cycle.end_date)
    values = last_year_values(kpi, key_result.kpi_mode, cycle.start_date, ends)
    missing = [
        day
        for day, value in zip((cycle.start_date - dt.timedelta(days=1), *ends), values, strict=True)
        if value is None
    ]
    if missing:
        day = year_earlier(missing[0])
        raise ValidationError(
            {"phases": f"the KPI has no value for {date_format(day, 'j M Y')}: no shape to follow"}
        )
    phases = phases_from_shape(
        key_result.start, key_result.target, ends, [v for v in values if v is not None]
    )
    if phases is None:
        raise ValidationError({"phases": FLAT})
    return phases


@transaction.atomic
def follow_kpi_shape(*, actor: Person | None, key_result: KeyResult) -> KeyResult:
    """Give the key result the phases of last year's shape of its KPI (through the okrs
    service: audit entry, events, validation)."""
    return update_key_result(
        actor=actor, key_result=key_result, phases=list(shape_phases(key_result))
    )
