"""The on-screen names of a KPI's frequency, direction, aggregation and trend.

One place for the words the KPI pages, forms and tags show; translated lazily, so each is
read in the language of the page that shows it. The API keeps the plain values.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from goalkeeper.domain.kpis import Direction, Trend
from goalkeeper.domain.periods import Aggregation, Frequency

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
