"""The KPI read model: health, newest value and the latest complete period's value.

Every KPI figure of docs/scoring.md comes from here (through `goalkeeper.domain`). A page of
KPIs costs one query: the latest value and the value of the latest complete period are
correlated subqueries of the KPI query itself, served by the (kpi, timestamp) index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    FloatField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.kpis import Health, kpi_health
from goalkeeper.domain.limits import finite_or_none
from goalkeeper.domain.periods import Aggregation, Frequency, Period, latest_complete_period
from goalkeeper.kpis.models import Kpi, Measurement


@dataclass(frozen=True)
class KpiFigures:
    """A KPI's health, newest measurement and latest complete period with its value."""

    health: Health
    latest_at: dt.datetime | None
    latest_value: float | None
    period: Period
    period_value: float | None


def with_kpi_figures(kpis: QuerySet[Kpi], clock: Clock) -> QuerySet[Kpi]:
    """Annotate each KPI with what its health needs, inside the KPI query itself.

    The latest complete period depends only on the frequency (and the workspace's zone and
    fiscal year), so its bounds are constants chosen per row with CASE; the period's value is
    the aggregate the KPI asks for, as a correlated subquery over the (kpi, timestamp) index.
    """
    bounds = periods_for(clock)
    start = Case(
        *[When(frequency=f.value, then=Value(p.start)) for f, p in bounds.items()],
        output_field=DateTimeField(),
    )
    end = Case(
        *[When(frequency=f.value, then=Value(p.end)) for f, p in bounds.items()],
        output_field=DateTimeField(),
    )
    newest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-timestamp")
    in_period = Measurement.objects.filter(
        kpi=OuterRef("pk"),
        timestamp__gte=OuterRef("_period_start"),
        timestamp__lt=OuterRef("_period_end"),
    )

    def combined(function: type[Sum] | type[Avg] | type[Min] | type[Max]) -> Subquery:
        grouped = in_period.order_by().values("kpi").annotate(v=function("value")).values("v")
        return Subquery(grouped[:1], output_field=FloatField())

    period_value = Case(
        When(aggregation=Aggregation.SUM.value, then=combined(Sum)),
        When(aggregation=Aggregation.AVERAGE.value, then=combined(Avg)),
        When(aggregation=Aggregation.MIN.value, then=combined(Min)),
        When(aggregation=Aggregation.MAX.value, then=combined(Max)),
        default=Subquery(
            in_period.order_by("-timestamp").values("value")[:1], output_field=FloatField()
        ),
        output_field=FloatField(),
    )
    return kpis.annotate(_period_start=start, _period_end=end).annotate(
        _latest_value=Subquery(newest.values("value")[:1], output_field=FloatField()),
        _latest_at=Subquery(newest.values("timestamp")[:1], output_field=DateTimeField()),
        _period_value=period_value,
    )


def periods_for(clock: Clock) -> dict[Frequency, Period]:
    """The latest complete period of each frequency, in the workspace's zone."""
    local_now = clock.local_now
    fiscal = clock.fiscal_year_start_month
    return {f: latest_complete_period(local_now, f, fiscal) for f in Frequency}


def kpi_figures(kpi: Kpi, clock: Clock, periods: dict[Frequency, Period]) -> KpiFigures:
    """Figures of a KPI annotated by `with_kpi_figures` with the same clock."""
    frequency = Frequency(kpi.frequency)
    # SQLite sums values stored before the limits (docs/scoring.md) to infinity: no number.
    period_value = finite_or_none(getattr(kpi, "_period_value", None))
    latest_at: dt.datetime | None = getattr(kpi, "_latest_at", None)
    return KpiFigures(
        health=kpi_health(kpi.spec, frequency, period_value, latest_at, clock.now),
        latest_at=latest_at,
        latest_value=finite_or_none(getattr(kpi, "_latest_value", None)),
        period=periods[frequency],
        period_value=period_value,
    )


def kpi_health_now(kpi: Kpi, clock: Clock | None = None) -> Health:
    """The health of one KPI as stored right now (one query); for before/after comparisons."""
    clock = clock or kpi.workspace.clock()
    annotated = with_kpi_figures(Kpi.objects.filter(pk=kpi.pk), clock).first()
    if annotated is None:
        return Health.NO_DATA
    return kpi_figures(annotated, clock, periods_for(clock)).health
