"""The on-screen names of a KPI's frequency, direction, aggregation and trend.

One place for the words the KPI pages, forms and tags show; translated lazily, so each is
read in the language of the page that shows it. The API keeps the plain values.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.utils import dateformat, formats, timezone
from django.utils.functional import Promise
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext, npgettext_lazy
from django.utils.translation import gettext_lazy as _

from goalkeeper.domain.fiscal import period_name
from goalkeeper.domain.kpis import Direction, Trend
from goalkeeper.domain.periods import Aggregation, Frequency, Period
from goalkeeper.domain.process_limits import Rule, Side

# "Monthly": a KPI's frequency as a word on its own (a label, a select, a tab).
FREQUENCY_LABELS: dict[Frequency, Promise] = {
    Frequency.HOURLY: _("Hourly"),
    Frequency.DAILY: _("Daily"),
    Frequency.WEEKLY: _("Weekly"),
    Frequency.MONTHLY: _("Monthly"),
    Frequency.QUARTERLY: _("Quarterly"),
    Frequency.YEARLY: _("Yearly"),
}
DIRECTION_LABELS: dict[Direction, Promise] = {
    Direction.HIGHER_IS_BETTER: _("Higher is better"),
    Direction.LOWER_IS_BETTER: _("Lower is better"),
    Direction.IN_RANGE: _("Stay in a range"),
}
# How a period's value is made, inside a sentence ("a period's value is its sum").
AGGREGATION_LABELS: dict[Aggregation, Promise] = {
    Aggregation.LAST: _("last value"),
    Aggregation.SUM: _("sum"),
    Aggregation.AVERAGE: _("average"),
    Aggregation.MIN: _("lowest value"),
    Aggregation.MAX: _("highest value"),
}
# The same as a choice of the KPI form.
AGGREGATION_CHOICE_LABELS: dict[Aggregation, Promise] = {
    Aggregation.LAST: _("Last value of the period"),
    Aggregation.SUM: _("Sum of the period"),
    Aggregation.AVERAGE: _("Average of the period"),
    Aggregation.MIN: _("Lowest value of the period"),
    Aggregation.MAX: _("Highest value of the period"),
}
# A process signal's rule in words (docs/signals.md); the API keeps the rule's name.
SIGNAL_LABELS: dict[Rule, Promise] = {
    Rule.OUTSIDE_LIMITS: _("Outside the limits"),
    Rule.THREE_OF_FOUR: _("3 of 4 near a limit"),
    Rule.RUN_OF_EIGHT: _("Run of 8 on one side"),
}
SIDE_LABELS: dict[Side, Promise] = {
    Side.UPPER: _("above the centre"),
    Side.LOWER: _("below the centre"),
}
TREND_LABELS: dict[Trend, Promise] = {
    Trend.IMPROVING: _("Improving"),
    Trend.FLAT: _("Flat"),
    Trend.WORSENING: _("Worsening"),
    Trend.NOT_ENOUGH_DATA: _("Not enough data"),
}


def frequency_label(value: object) -> str:
    """ "Monthly" for "monthly"; an unknown value as it is."""
    try:
        return str(FREQUENCY_LABELS[Frequency(str(value))])
    except ValueError:
        return str(value)


def period_label(period: Period, frequency: Frequency, fiscal_year_start_month: int) -> str:
    """A KPI period as people name it, in the reader's language.

    Hours, days and months with the language's month names and date order ("3 Nov 2026",
    "3. Nov. 2026"); a week as "W45 2026" ("KW 45 2026"); quarters and years keep their
    fiscal names ("2026-Q4", "FY2027"), which the domain writes (`period_name`).
    """
    start = period.start
    if frequency is Frequency.HOURLY:
        return f"{start:%H:%M}, {formats.date_format(start, 'SHORT_DATE_FORMAT')}"
    if frequency is Frequency.DAILY:
        return formats.date_format(start, "DATE_FORMAT")
    if frequency is Frequency.WEEKLY:
        year, week, _day = start.isocalendar()
        return _("W%(week)s %(year)s") % {"week": f"{week:02d}", "year": year}
    if frequency is Frequency.MONTHLY:
        return dateformat.format(start, "M Y")
    return period_name(period, frequency, fiscal_year_start_month)


# A span of time inside "… ago" and "in …", as Django writes it (a no-break space between
# number and unit); German puts it in the dative there ("vor 2 Tagen", "in 3 Stunden").
SPAN_STRINGS = {
    "year": npgettext_lazy("time span", "%(num)d year", "%(num)d years", "num"),  # noqa: RUF001
    "month": npgettext_lazy("time span", "%(num)d month", "%(num)d months", "num"),  # noqa: RUF001
    "week": npgettext_lazy("time span", "%(num)d week", "%(num)d weeks", "num"),  # noqa: RUF001
    "day": npgettext_lazy("time span", "%(num)d day", "%(num)d days", "num"),  # noqa: RUF001
    "hour": npgettext_lazy("time span", "%(num)d hour", "%(num)d hours", "num"),  # noqa: RUF001
    "minute": npgettext_lazy("time span", "%(num)d minute", "%(num)d minutes", "num"),  # noqa: RUF001
}


# timesince formats each with % per call, so the lazy strings read in the active language.
_SPANS = cast("dict[str, str]", SPAN_STRINGS)


def time_ago(value: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago `value` was: "just now" under a minute, else "3 hours ago"."""
    reference = now or timezone.now()
    if (reference - value).total_seconds() < 60:
        return gettext("just now")
    span = timesince(value, reference, time_strings=_SPANS)
    return gettext("%(span)s ago") % {"span": span}


def time_until(value: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long until `value`: "in 3 hours"."""
    span = timeuntil(value, now or timezone.now(), time_strings=_SPANS)
    return gettext("in %(span)s") % {"span": span}
