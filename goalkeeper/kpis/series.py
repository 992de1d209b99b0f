"""Aggregating a KPI's series in the database, period by period.

A KPI may hold millions of measurements, so no read loads a series: every period value is
aggregated by the database, in one query per call, over a window of periods that the domain
computes (`goalkeeper.domain.periods`).

How periods reach SQL. The domain defines each period's boundaries (ISO weeks from Monday,
quarters and years from the workspace's fiscal-year month, days of 23 or 25 hours across a
daylight-saving change). Rather than re-deriving them with SQL date truncation, each query
receives the boundaries as constants and assigns every row to a period with a balanced
`CASE WHEN timestamp < edge` tree: about log2(periods) comparisons per row, plain SQL on
SQLite and PostgreSQL alike. Two reasons: Django's `Trunc` with a time zone is a Python
function on SQLite, called per row and per expression (11 s for 100,000 rows, against
0.1 s here), and SQL truncation knows neither fiscal quarters nor the domain's handling of
daylight-saving folds, which the boundaries carry exactly.

"last" without window functions. The aggregate query groups by (KPI, period) for count,
sum, min, max and the newest timestamp; it is then wrapped so that a correlated lookup on
the (kpi, timestamp) unique index fetches the value at that newest timestamp. One statement,
one row per period, on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Avg,
    Count,
    Expression,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.sql.compiler import SQLCompiler

from goalkeeper.domain.instants import instant
from goalkeeper.domain.limits import finite_or_none
from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    next_period,
    period_of,
    previous_period,
)
from goalkeeper.kpis.models import Kpi, Measurement


def period_window(
    now: dt.datetime, frequency: Frequency, count: int, fiscal_year_start_month: int
) -> list[Period]:
    """The `count` periods of `frequency` ending with the one containing `now`, oldest first.

    `now` must already be in the workspace's zone: a day is the workspace's day.
    """
    period = period_of(now, frequency, fiscal_year_start_month)
    periods = [period]
    for _ in range(count - 1):
        period = previous_period(period, frequency, fiscal_year_start_month)
        periods.append(period)
    periods.reverse()
    return periods


def instant_adapter(connection: BaseDatabaseWrapper) -> Callable[[dt.datetime], Any]:
    """How an aware instant is passed to `connection`, as Django's own adapter does it.

    On SQLite that is the naive UTC text (`2026-11-03 09:00:00[.ffffff]`), written here
    directly: Django's adapter, generic, cost more than the rest of preparing a batch of
    values or a chart's period edges.
    """
    if connection.vendor == "sqlite":
        return _sqlite_text
    return connection.ops.adapt_datetimefield_value


def _sqlite_text(moment: dt.datetime) -> str:
    """Django's SQLite text of an aware instant: UTC, without its offset."""
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    return str(moment)[:-6]  # "2026-11-03 09:00:00+00:00" less "+00:00"


class PeriodIndex(Expression):
    """The index of the period a measurement's timestamp falls in, as a CASE tree.

    `edges` are the boundaries of consecutive periods (n periods, n + 1 edges); rows are
    expected to be filtered to `edges[0] <= timestamp < edges[-1]` by the caller.
    """

    output_field = IntegerField()

    def __init__(self, edges: Sequence[dt.datetime], column: Any = None) -> None:
        super().__init__()
        if len(edges) < 2:
            raise ValueError("at least one period is needed")
        self.edges = tuple(edges)
        self._adapted: dict[str, list[Any]] = {}
        self.column: Any = column if column is not None else F("timestamp")

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.column)
        params: list[Any] = []
        # The tree is compiled for the SELECT and again for the GROUP BY; the edges are
        # adapted once per database (Django's adapter, generic, dominated a chart's cost).
        adapted = self._adapted.get(connection.vendor)
        if adapted is None:
            adapt = instant_adapter(connection)
            adapted = [adapt(edge) for edge in self.edges]
            self._adapted[connection.vendor] = adapted

        def tree(low: int, high: int) -> str:
            # Periods low..high-1; the row is before edges[mid] or not.
            if high - low == 1:
                return str(low)
            mid = (low + high) // 2
            params.extend(column_params)
            params.append(adapted[mid])
            return f"CASE WHEN {column} < %s THEN {tree(low, mid)} ELSE {tree(mid, high)} END"

        return tree(0, len(self.edges) - 1), params

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    def __hash__(self) -> int:
        return hash((type(self), self.edges))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PeriodIndex) and other.edges == self.edges


@dataclass(frozen=True)
class PeriodStats:
    """The SQL aggregates of one KPI over one period: enough for any aggregation."""

    count: int
    total: float
    minimum: float
    maximum: float
    last: float

    def value(self, aggregation: Aggregation) -> float | None:
        """The period's value by the KPI's aggregation (docs/scoring.md, "Value for a
        period"); None when it is no finite number, which only rows stored before the
        limits (docs/scoring.md, "Limits") can cause: SQLite sums them to infinity."""
        return finite_or_none(self._combined(aggregation))

    def _combined(self, aggregation: Aggregation) -> float:
        if aggregation is Aggregation.SUM:
            return self.total
        if aggregation is Aggregation.AVERAGE:
            return self.total / self.count
        if aggregation is Aggregation.MIN:
            return self.minimum
        if aggregation is Aggregation.MAX:
            return self.maximum
        return self.last


def period_stats(
    kpi_ids: Sequence[int],
    periods: Sequence[Period],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict[tuple[int, int], PeriodStats]:
    """{(kpi id, period index): stats} for consecutive `periods`, in one SQL query.

    Only measurements in `[since, until)` count, when given (a range asked for may cut a
    period). Periods without a measurement are absent. The query returns one row per KPI
    and period that has data, never the measurements themselves.
    """
    if not kpi_ids or not periods:
        return {}
    edges = [period.start for period in periods] + [periods[-1].end]
    low, high = instant(edges[0]), instant(edges[-1])
    if since is not None:
        low = max(low, instant(since))
    if until is not None:
        high = min(high, instant(until))
    grouped = (
        Measurement.objects.filter(kpi_id__in=list(kpi_ids), timestamp__gte=low, timestamp__lt=high)
        .order_by()
        .annotate(bucket=PeriodIndex(edges))
        .values("kpi_id", "bucket")
        .annotate(
            n=Count("id"),
            total=Sum("value"),
            lo=Min("value"),
            hi=Max("value"),
            last_at=Max("timestamp"),
        )
        .values_list("kpi_id", "bucket", "n", "total", "lo", "hi", "last_at")
    )
    inner, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(Measurement._meta.db_table)
    # The value at the period's newest timestamp: one lookup on the (kpi, timestamp) index.
    # Only our table name and Django's parametrised SQL are pasted in: nothing user-made.
    sql = (
        'SELECT g."kpi_id", g."bucket", g."n", g."total", g."lo", g."hi", '  # noqa: S608
        f'(SELECT m."value" FROM {table} m WHERE m."kpi_id" = g."kpi_id" '
        'AND m."timestamp" = g."last_at") '
        f"FROM ({inner}) g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (int(kpi_id), int(bucket)): PeriodStats(
            count=int(n), total=float(total), minimum=float(lo), maximum=float(hi), last=float(last)
        )
        for kpi_id, bucket, n, total, lo, hi, last in rows
    }


def periods_between(
    first: dt.datetime,
    last: dt.datetime,
    frequency: Frequency,
    fiscal_year_start_month: int,
    limit: int,
) -> list[Period] | None:
    """The consecutive periods of `frequency` from the one holding `first` to the one holding
    `last`, oldest first; None when there would be more than `limit`. Both instants must
    already be in the workspace's zone."""
    period = period_of(first, frequency, fiscal_year_start_month)
    periods = [period]
    end = instant(last)
    while instant(period.end) <= end:
        if len(periods) >= limit:
            return None
        period = next_period(period, frequency, fiscal_year_start_month)
        periods.append(period)
    return periods


@dataclass(frozen=True)
class SeriesPeriod:
    """One period of a series that holds values, with the SQL aggregates of its values."""

    period: Period
    stats: PeriodStats


def series_by_period(
    kpi: Kpi,
    frequency: Frequency,
    zone: dt.tzinfo,
    fiscal_year_start_month: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    max_periods: int = 10_000,
) -> list[SeriesPeriod] | None:
    """The KPI's values in `[since, until)` aggregated by periods of `frequency` (the
    workspace's zone and fiscal year), oldest first; periods without values are absent.

    Three queries whatever the size of the series: the first and the last instant (two
    seeks on the (kpi, timestamp) index), then `period_stats` over the periods between
    them. None when they span more than `max_periods` periods: the range must be narrowed.
    """
    rows = Measurement.objects.filter(kpi=kpi)
    if since is not None:
        rows = rows.filter(timestamp__gte=since)
    if until is not None:
        rows = rows.filter(timestamp__lt=until)
    first = rows.order_by("timestamp").values_list("timestamp", flat=True).first()
    last = rows.order_by("-timestamp").values_list("timestamp", flat=True).first()
    if first is None or last is None:
        return []
    periods = periods_between(
        first.astimezone(zone),
        last.astimezone(zone),
        frequency,
        fiscal_year_start_month,
        max_periods,
    )
    if periods is None:
        return None
    stats = period_stats([kpi.pk], periods, since=since, until=until)
    return [
        SeriesPeriod(periods[index], found)
        for (_, index), found in sorted(stats.items(), key=lambda item: item[0][1])
    ]


def window_values(
    kpi: Kpi, windows: dict[str, tuple[dt.datetime, dt.datetime]]
) -> dict[str, float | None]:
    """The KPI's aggregate over each `[start, end)` window, all in one query.

    Used for key results linked to the KPI: the latest period's value and each cycle's
    window. None where the window holds no measurement.
    """
    if not windows:
        return {}
    aggregation = Aggregation(kpi.aggregation)
    functions: dict[Aggregation, Any] = {
        Aggregation.SUM: Sum,
        Aggregation.AVERAGE: Avg,
        Aggregation.MIN: Min,
        Aggregation.MAX: Max,
    }
    annotations: dict[str, Any] = {}
    for start, end in windows.values():
        rows = Measurement.objects.filter(
            kpi=OuterRef("pk"), timestamp__gte=instant(start), timestamp__lt=instant(end)
        )
        name = f"w_{len(annotations)}"
        if aggregation is Aggregation.LAST:
            annotations[name] = Subquery(rows.order_by("-timestamp").values("value")[:1])
        else:
            function = functions[aggregation]
            annotations[name] = Subquery(
                rows.order_by().values("kpi").annotate(v=function("value")).values("v")[:1]
            )
    values: dict[str, Any] = dict(
        Kpi.objects.filter(pk=kpi.pk).order_by().values(**annotations).first() or {}
    )
    return {
        key: (None if values.get(f"w_{i}") is None else float(values[f"w_{i}"]))
        for i, key in enumerate(windows)
    }
