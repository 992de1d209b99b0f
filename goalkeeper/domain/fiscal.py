"""Names of fiscal years, fiscal quarters and every KPI period: one convention everywhere.

A workspace's fiscal year starts in a month M. With M = January, years are named `2026`
and quarters `2026-Q1` ... `2026-Q4`. Otherwise a fiscal year is named by the calendar year
in which it ends, `FY2027`, and its quarters `FY2027-Q1` ... (for M = April, FY2027 runs
from April 2026 to March 2027, and April-June 2026 is `FY2027-Q1`). Cycles, KPI periods,
the demo and the API all take their names from here (docs/okrs-cycles.md).
"""

from __future__ import annotations

from datetime import date

from goalkeeper.domain.periods import Frequency, Period

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def fiscal_year(day: date, fiscal_year_start_month: int) -> int:
    """The calendar year in which the fiscal year holding `day` ends."""
    if fiscal_year_start_month == 1 or day.month < fiscal_year_start_month:
        return day.year
    return day.year + 1


def fiscal_quarter(day: date, fiscal_year_start_month: int) -> int:
    """1 to 4: the quarter of its fiscal year that `day` falls in."""
    return (day.month - fiscal_year_start_month) % 12 // 3 + 1


def fiscal_year_name(day: date, fiscal_year_start_month: int) -> str:
    """ "2026" when the fiscal year is the calendar year, else "FY2027"."""
    year = fiscal_year(day, fiscal_year_start_month)
    return str(year) if fiscal_year_start_month == 1 else f"FY{year}"


def fiscal_quarter_name(day: date, fiscal_year_start_month: int) -> str:
    """ "2026-Q1" when the fiscal year is the calendar year, else "FY2027-Q1"."""
    year_name = fiscal_year_name(day, fiscal_year_start_month)
    return f"{year_name}-Q{fiscal_quarter(day, fiscal_year_start_month)}"


def period_name(period: Period, frequency: Frequency, fiscal_year_start_month: int) -> str:
    """A KPI period as people name it, from its start on the workspace's wall clock.

    "14:00, 3 Nov" (hour), "3 Nov 2026" (day), "W45 2026" (ISO week), "Nov 2026" (month),
    and quarters and years by their fiscal names: "2026-Q4" or "FY2027-Q1", "2026" or
    "FY2027". Month names are English whatever the server's locale.
    """
    start = period.start
    month = MONTH_ABBREVIATIONS[start.month - 1]
    if frequency is Frequency.HOURLY:
        return f"{start:%H:%M}, {start.day} {month}"
    if frequency is Frequency.DAILY:
        return f"{start.day} {month} {start.year}"
    if frequency is Frequency.WEEKLY:
        year, week, _ = start.isocalendar()
        return f"W{week:02d} {year}"
    if frequency is Frequency.MONTHLY:
        return f"{month} {start.year}"
    if frequency is Frequency.QUARTERLY:
        return fiscal_quarter_name(start.date(), fiscal_year_start_month)
    return fiscal_year_name(start.date(), fiscal_year_start_month)
