"""Fiscal years, fiscal quarters and KPI periods are named one way, everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.fiscal import (
    fiscal_quarter_name,
    fiscal_year,
    fiscal_year_name,
    period_name,
)
from goalkeeper.domain.periods import Frequency, Period, next_period, period_of

days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2998, 12, 31))
months = st.integers(min_value=1, max_value=12)


def quarter_of(day: dt.date, fiscal_start: int) -> Period:
    return period_of(dt.datetime.combine(day, dt.time(12)), Frequency.QUARTERLY, fiscal_start)


@pytest.mark.parametrize(
    ("day", "fiscal_start", "name"),
    [
        (dt.date(2026, 4, 1), 4, "FY2027-Q1"),
        (dt.date(2026, 6, 30), 4, "FY2027-Q1"),
        (dt.date(2027, 1, 1), 4, "FY2027-Q4"),
        (dt.date(2027, 3, 31), 4, "FY2027-Q4"),
        (dt.date(2027, 4, 1), 4, "FY2028-Q1"),
        (dt.date(2026, 12, 1), 12, "FY2027-Q1"),
        (dt.date(2026, 7, 1), 7, "FY2027-Q1"),
        (dt.date(2026, 10, 15), 1, "2026-Q4"),
        (dt.date(2027, 1, 1), 1, "2027-Q1"),
    ],
)
def test_quarters_are_named_by_the_year_their_fiscal_year_ends_in(
    day: dt.date, fiscal_start: int, name: str
) -> None:
    assert fiscal_quarter_name(day, fiscal_start) == name


@pytest.mark.parametrize(
    ("day", "fiscal_start", "name"),
    [
        (dt.date(2026, 3, 31), 4, "FY2026"),
        (dt.date(2026, 4, 1), 4, "FY2027"),
        (dt.date(2026, 12, 31), 1, "2026"),
        (dt.date(2026, 7, 1), 7, "FY2027"),
    ],
)
def test_fiscal_years_are_named_by_the_year_they_end_in(
    day: dt.date, fiscal_start: int, name: str
) -> None:
    assert fiscal_year_name(day, fiscal_start) == name


@given(day=days, fiscal_start=months)
def test_every_day_of_a_fiscal_quarter_has_the_quarters_name(
    day: dt.date, fiscal_start: int
) -> None:
    quarter = quarter_of(day, fiscal_start)
    first = quarter.start.date()
    last = quarter.end.date() - dt.timedelta(days=1)

    name = fiscal_quarter_name(day, fiscal_start)

    assert fiscal_quarter_name(first, fiscal_start) == name
    assert fiscal_quarter_name(last, fiscal_start) == name


@given(day=days, fiscal_start=months)
def test_consecutive_quarters_have_distinct_names_and_count_one_to_four(
    day: dt.date, fiscal_start: int
) -> None:
    quarter = quarter_of(day, fiscal_start)
    following = next_period(quarter, Frequency.QUARTERLY, fiscal_start)

    this_name = fiscal_quarter_name(quarter.start.date(), fiscal_start)
    next_name = fiscal_quarter_name(following.start.date(), fiscal_start)

    assert this_name != next_name
    number, next_number = int(this_name[-1]), int(next_name[-1])
    assert next_number == number % 4 + 1
    # A new fiscal year starts exactly with its first quarter, in month M.
    assert (next_name.split("-")[0] != this_name.split("-")[0]) == (next_number == 1)
    assert (following.start.month == fiscal_start) == (next_number == 1)


@given(day=days)
def test_a_january_fiscal_year_gives_calendar_names(day: dt.date) -> None:
    assert fiscal_quarter_name(day, 1) == f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    assert fiscal_year_name(day, 1) == str(day.year)


@given(day=days, fiscal_start=st.integers(min_value=2, max_value=12))
def test_any_other_fiscal_year_is_named_by_the_calendar_year_it_ends_in(
    day: dt.date, fiscal_start: int
) -> None:
    year = period_of(dt.datetime.combine(day, dt.time(12)), Frequency.YEARLY, fiscal_start)
    last_day = year.end.date() - dt.timedelta(days=1)

    assert fiscal_year(day, fiscal_start) == last_day.year
    assert fiscal_year_name(day, fiscal_start) == f"FY{last_day.year}"
    assert fiscal_quarter_name(day, fiscal_start).startswith(f"FY{last_day.year}-Q")


@pytest.mark.parametrize(
    ("frequency", "start", "fiscal_start", "name"),
    [
        (Frequency.HOURLY, dt.datetime(2026, 11, 3, 14), 1, "14:00, 3 Nov"),
        (Frequency.DAILY, dt.datetime(2026, 11, 3), 1, "3 Nov 2026"),
        (Frequency.WEEKLY, dt.datetime(2026, 11, 2), 1, "W45 2026"),
        (Frequency.WEEKLY, dt.datetime(2026, 12, 28), 1, "W53 2026"),
        (Frequency.MONTHLY, dt.datetime(2026, 11, 1), 1, "Nov 2026"),
        (Frequency.QUARTERLY, dt.datetime(2026, 10, 1), 1, "2026-Q4"),
        (Frequency.QUARTERLY, dt.datetime(2026, 4, 1), 4, "FY2027-Q1"),
        (Frequency.QUARTERLY, dt.datetime(2027, 1, 1), 4, "FY2027-Q4"),
        (Frequency.YEARLY, dt.datetime(2026, 1, 1), 1, "2026"),
        (Frequency.YEARLY, dt.datetime(2026, 7, 1), 7, "FY2027"),
    ],
)
def test_kpi_periods_are_named_as_people_name_them(
    frequency: Frequency, start: dt.datetime, fiscal_start: int, name: str
) -> None:
    period = period_of(start.replace(tzinfo=dt.UTC), frequency, fiscal_start)

    assert period_name(period, frequency, fiscal_start) == name


@given(day=days, fiscal_start=months)
def test_a_quarterly_kpi_period_and_a_cycle_of_that_quarter_share_one_name(
    day: dt.date, fiscal_start: int
) -> None:
    quarter = quarter_of(day, fiscal_start)

    assert period_name(quarter, Frequency.QUARTERLY, fiscal_start) == fiscal_quarter_name(
        day, fiscal_start
    )
