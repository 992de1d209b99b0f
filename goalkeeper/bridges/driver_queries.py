"""Reads of driver links: a KPI's drivers and what it drives, each with the correlation over
the shared history and its best lag (docs/kpis.md "Drivers", docs/signals.md "Drivers").

Correlation, never cause. Both series are read on the coarser frequency of the two (at
least weekly for a key result, whose values are its check-ins: the last of each period),
over the last `WINDOW` complete periods; lags run from 0 to `MAX_LAG` periods
(`goalkeeper.domain.correlation.best_lag`). Bounded: one aggregate query per frequency in
use (at most six) and one for the key results' check-ins, whatever the history's length.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.bridges.forms import DriverForm
from goalkeeper.bridges.models import DriverLink
from goalkeeper.domain.correlation import MIN_PAIRS, LaggedCorrelation, best_lag
from goalkeeper.domain.instants import instant
from goalkeeper.domain.periods import Aggregation, Frequency, Period
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.series import PeriodStats, period_stats, period_window
from goalkeeper.okrs.models import CheckIn

# Complete periods read for a correlation: a year of weeks, four years of months.
WINDOW = 52
# The longest lag tried, in periods.
MAX_LAG = 8
# Links one KPI page lists at most, each way.
LINKS_SHOWN = 50

_ORDER = list(Frequency)


def coarser(a: Frequency, b: Frequency) -> Frequency:
    """The coarser of two frequencies (a monthly and a weekly KPI compare month by month)."""
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


def link_frequency(link: DriverLink) -> Frequency:
    """The frequency both series of a link are read on."""
    leading = Frequency(link.leading.frequency)
    if link.lagging_kpi is not None:
        return coarser(leading, Frequency(link.lagging_kpi.frequency))
    return coarser(leading, Frequency.WEEKLY)


@dataclass(frozen=True)
class Correlation:
    """A link's correlation: Pearson's r at the best lag, over `count` shared periods; or,
    with `best` None, too little shared history (`count` the most periods shared)."""

    frequency: Frequency
    best: LaggedCorrelation | None

    @property
    def text(self) -> str:
        """ "r = 0.82 at a lag of 2 weeks", or why there is none."""
        if self.best is None:
            return _("Too little shared history for a correlation (%(n)s periods needed).") % {
                "n": MIN_PAIRS
            }
        return _("r = %(r)s at a lag of %(lag)s") % {
            "r": f"{self.best.r:.2f}",
            "lag": lag_text(self.best.lag, self.frequency),
        }

    @property
    def percent(self) -> int:
        """|r| as a whole percentage, for the strength bar."""
        return 0 if self.best is None else round(abs(self.best.r) * 100)

    @property
    def strength(self) -> str:
        """strong, moderate or weak, by |r| (0.7 and 0.4), for the colour of the badge."""
        if self.best is None:
            return "none"
        size = abs(self.best.r)
        return "strong" if size >= 0.7 else "moderate" if size >= 0.4 else "weak"


def lag_text(lag: int, frequency: Frequency) -> str:
    """ "2 weeks", "0 months"... in the frequency's unit."""
    words = {
        Frequency.HOURLY: ngettext("%(n)s hour", "%(n)s hours", lag),
        Frequency.DAILY: ngettext("%(n)s day", "%(n)s days", lag),
        Frequency.WEEKLY: ngettext("%(n)s week", "%(n)s weeks", lag),
        Frequency.MONTHLY: ngettext("%(n)s month", "%(n)s months", lag),
        Frequency.QUARTERLY: ngettext("%(n)s quarter", "%(n)s quarters", lag),
        Frequency.YEARLY: ngettext("%(n)s year", "%(n)s years", lag),
    }
    return words[frequency] % {"n": lag}


def _windows(
    frequencies: Iterable[Frequency], workspace: Workspace, now: dt.datetime
) -> dict[Frequency, list[Period]]:
    local = now.astimezone(workspace.zone)
    return {
        frequency: period_window(local, frequency, WINDOW + 1, workspace.fiscal_year_start_month)[
            :-1
        ]
        for frequency in set(frequencies)
    }


def _kpi_series(
    kpi: Kpi, stats: Mapping[tuple[int, int], PeriodStats], count: int
) -> list[float | None]:
    """The KPI's value in each of `count` periods (None where it has none)."""
    aggregation = Aggregation(kpi.aggregation)
    series: list[float | None] = []
    for index in range(count):
        found = stats.get((kpi.pk, index))
        series.append(found.value(aggregation) if found is not None else None)
    return series


def correlations(
    links: Sequence[DriverLink], workspace: Workspace, now: dt.datetime
) -> dict[int, Correlation]:
    """{link id: its correlation} (links loaded with `leading` and `lagging_kpi`)."""
    if not links:
        return {}
    frequency_of = {link.pk: link_frequency(link) for link in links}
    windows = _windows(frequency_of.values(), workspace, now)
    stats_by_frequency: dict[Frequency, dict[tuple[int, int], PeriodStats]] = {}
    for frequency, periods in windows.items():
        kpi_ids = set()
        for link in links:
            if frequency_of[link.pk] is frequency:
                kpi_ids.add(link.leading_id)
                if link.lagging_kpi_id is not None:
                    kpi_ids.add(link.lagging_kpi_id)
        stats_by_frequency[frequency] = period_stats(sorted(kpi_ids), periods)
    check_ins = _check_in_series(
        [link for link in links if link.lagging_key_result_id is not None],
        frequency_of,
        windows,
    )
    found: dict[int, Correlation] = {}
    for link in links:
        frequency = frequency_of[link.pk]
        periods = windows[frequency]
        stats = stats_by_frequency[frequency]
        leading = _kpi_series(link.leading, stats, len(periods))
        if link.lagging_kpi is not None:
            lagging = _kpi_series(link.lagging_kpi, stats, len(periods))
        else:
            lagging = check_ins.get(link.pk, [None] * len(periods))
        found[link.pk] = Correlation(frequency, best_lag(leading, lagging, MAX_LAG))
    return found


def _check_in_series(
    links: Sequence[DriverLink],
    frequency_of: dict[int, Frequency],
    windows: dict[Frequency, list[Period]],
) -> dict[int, list[float | None]]:
    """{link id: its key result's last check-in value per period}, in one query."""
    if not links:
        return {}
    since = min(instant(windows[frequency_of[link.pk]][0].start) for link in links)
    rows = (
        CheckIn.objects.filter(
            key_result_id__in={link.lagging_key_result_id for link in links},
            value__isnull=False,
            created_at__gte=since,
        )
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "value")
    )
    by_key_result: dict[int, list[tuple[dt.datetime, float | None]]] = defaultdict(list)
    for key_result_id, created_at, value in rows:
        by_key_result[key_result_id].append((created_at, value))
    series: dict[int, list[float | None]] = {}
    for link in links:
        periods = windows[frequency_of[link.pk]]
        edges = [instant(period.start) for period in periods] + [instant(periods[-1].end)]
        values: list[float | None] = [None] * len(periods)
        for created_at, value in by_key_result.get(link.lagging_key_result_id or 0, []):
            at = instant(created_at)
            index = bisect.bisect_right(edges, at) - 1
            if 0 <= index < len(periods):
                values[index] = value  # in time order: the period's last check-in wins
        series[link.pk] = values
    return series


@dataclass(frozen=True)
class DriverRow:
    """One driver link as the KPI page shows it: the KPI or key result at its other end."""

    id: int
    other_kind: str  # "kpi" or "key_result"
    other_id: int
    other_name: str
    other_hint: str
    other_url: str
    note: str
    correlation: Correlation


@dataclass(frozen=True)
class KpiDrivers:
    """The KPI page's driver links: the KPIs driving it, what it drives, the form."""

    drivers: tuple[DriverRow, ...]
    driven: tuple[DriverRow, ...]
    form: DriverForm | None
    window: int = WINDOW

    @property
    def count(self) -> int:
        return len(self.drivers) + len(self.driven)


def _links() -> QuerySet[DriverLink]:
    return DriverLink.objects.select_related(
        "leading",
        "leading__team",
        "lagging_kpi",
        "lagging_kpi__team",
        "lagging_key_result",
        "lagging_key_result__objective",
    ).order_by("created_at", "id")


def _row(link: DriverLink, correlation: Correlation, *, leading_end: bool) -> DriverRow:
    if leading_end:
        kpi = link.leading
        return DriverRow(
            link.pk, "kpi", kpi.pk, kpi.name, kpi.team.name,
            reverse("kpi_detail", args=[kpi.pk]), link.note, correlation,
        )  # fmt: skip
    if link.lagging_kpi is not None:
        kpi = link.lagging_kpi
        return DriverRow(
            link.pk, "kpi", kpi.pk, kpi.name, kpi.team.name,
            reverse("kpi_detail", args=[kpi.pk]), link.note, correlation,
        )  # fmt: skip
    key_result = link.lagging_key_result
    assert key_result is not None
    return DriverRow(
        link.pk, "key_result", key_result.pk, key_result.title, key_result.objective.title,
        reverse("objective_detail", args=[key_result.objective_id]) + f"#kr-{key_result.pk}",
        link.note, correlation,
    )  # fmt: skip


def driver_links_of(kpi: Kpi) -> tuple[list[DriverLink], list[DriverLink]]:
    """(links driving `kpi`, links it drives), loaded for `correlations`: two queries."""
    links = _links()
    drivers = list(links.filter(lagging_kpi=kpi)[:LINKS_SHOWN])
    driven = list(links.filter(leading=kpi)[:LINKS_SHOWN])
    return drivers, driven


def kpi_drivers(kpi: Kpi, person: Person, now: dt.datetime | None = None) -> KpiDrivers:
    """The KPI page's drivers and driven, with their correlations, for `person`."""
    now = now or timezone.now()
    drivers, driven = driver_links_of(kpi)
    found = correlations([*drivers, *driven], kpi.workspace, now)
    return KpiDrivers(
        drivers=tuple(_row(link, found[link.pk], leading_end=True) for link in drivers),
        driven=tuple(_row(link, found[link.pk], leading_end=False) for link in driven),
        form=DriverForm(kpi=kpi) if person.can_edit else None,
    )


def links_touching(
    workspace_id: int, kpi_ids: Iterable[int], key_result_ids: Iterable[int], limit: int
) -> list[DriverLink]:
    """Driver links whose lagging end is one of these KPIs or key results (the strategy
    map's edges), at most `limit`, in one query."""
    return list(
        _links()
        .filter(workspace_id=workspace_id)
        .filter(
            Q(lagging_kpi_id__in=list(kpi_ids)) | Q(lagging_key_result_id__in=list(key_result_ids))
        )[:limit]
    )
