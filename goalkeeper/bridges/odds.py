"""The history of a KPI that drives a key result, for the key result's odds
(docs/signals.md, "Odds"): given to `goalkeeper.okrs.odds` when Django starts.

The points are the KPI's period values over the year before the moment asked about (an
hourly KPI is read by day: a year of hours is too many points for a line). A sum over a
period that has not ended yet would look like a drop, so the running period only counts
when the KPI is not a sum. The seasonal shape is last year's: the KPI's value in each of
the 12 months before the moment's month, when all 12 hold a positive value.
"""

from __future__ import annotations

import datetime as dt

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.odds import Point, seasonal_factors
from goalkeeper.domain.periods import Aggregation, Frequency, period_of
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.series import series_by_period
from goalkeeper.okrs.models import KeyResult

YEAR = dt.timedelta(days=365)
MONTHS = 12


def kpi_history(
    key_result: KeyResult, clock: Clock, until: dt.datetime
) -> tuple[tuple[Point, ...], tuple[float, ...] | None] | None:
    """The linked KPI's period values up to `until` and last year's seasonal shape; None
    when the key result reads no KPI (or one of another workspace)."""
    if key_result.kpi_id is None:
        return None
    kpi = Kpi.objects.filter(pk=key_result.kpi_id, workspace_id=key_result.workspace_id).first()
    if kpi is None:
        return None
    frequency = Frequency(kpi.frequency)
    if frequency is Frequency.HOURLY:
        frequency = Frequency.DAILY
    aggregation = Aggregation(kpi.aggregation)
    fiscal = clock.fiscal_year_start_month
    periods = series_by_period(
        kpi, frequency, clock.zone, fiscal, since=until - YEAR, until=until, max_periods=400
    )
    points: list[Point] = []
    for found in periods or []:
        if aggregation is Aggregation.SUM and found.period.end > until:
            continue
        value = found.stats.value(aggregation)
        if value is not None:
            points.append((found.period.start, value))
    return tuple(points), _seasonal(kpi, clock, until)


def _seasonal(kpi: Kpi, clock: Clock, until: dt.datetime) -> tuple[float, ...] | None:
    """Last year's shape: the KPI's value in each of the 12 whole months before `until`'s
    month, January first; None unless all 12 hold a positive value."""
    this_month = period_of(until.astimezone(clock.zone), Frequency.MONTHLY)
    first = this_month.start
    for _ in range(MONTHS):
        first = period_of(first - dt.timedelta(days=1), Frequency.MONTHLY).start
    months = series_by_period(
        kpi, Frequency.MONTHLY, clock.zone, 1, since=first, until=this_month.start
    )
    monthly: list[float | None] = [None] * MONTHS
    aggregation = Aggregation(kpi.aggregation)
    for found in months or []:
        monthly[found.period.start.month - 1] = found.stats.value(aggregation)
    return seasonal_factors(monthly)
