from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    PeriodValue,
    aggregate,
    aggregate_by_period,
    coarser_frequencies,
    latest_complete_period,
    next_period,
    nominal_length,
    period_of,
    previous_period,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def berlin(year, month, day, hour=0, minute=0, *, fold=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


def utc(moment):
    return moment.astimezone(UTC)


def real_length(period):
    return utc(period.end) - utc(period.start)


# Boundaries per frequency.


@pytest.mark.parametrize(
    ("frequency", "start", "end"),
    [
        (Frequency.HOURLY, berlin(2026, 5, 13, 14), berlin(2026, 5, 13, 15)),
        (Frequency.DAILY, berlin(2026, 5, 13), berlin(2026, 5, 14)),
        (Frequency.WEEKLY, berlin(2026, 5, 11), berlin(2026, 5, 18)),
        (Frequency.MONTHLY, berlin(2026, 5, 1), berlin(2026, 6, 1)),
        (Frequency.QUARTERLY, berlin(2026, 4, 1), berlin(2026, 7, 1)),
        (Frequency.YEARLY, berlin(2026, 1, 1), berlin(2027, 1, 1)),
    ],
)
def test_period_of_a_wednesday_afternoon(frequency, start, end):
    assert period_of(berlin(2026, 5, 13, 14, 35), frequency) == Period(start, end)


def test_weeks_are_iso_weeks_starting_on_monday_even_across_new_year():
    period = period_of(berlin(2027, 1, 2, 9), Frequency.WEEKLY)

    assert period == Period(berlin(2026, 12, 28), berlin(2027, 1, 4))


@pytest.mark.parametrize(
    ("month", "start", "end"),
    [
        (2, berlin(2026, 1, 1), berlin(2026, 4, 1)),
        (4, berlin(2026, 4, 1), berlin(2026, 7, 1)),
        (9, berlin(2026, 7, 1), berlin(2026, 10, 1)),
        (12, berlin(2026, 10, 1), berlin(2027, 1, 1)),
    ],
)
def test_quarters_follow_a_fiscal_year_starting_in_april(month, start, end):
    assert period_of(berlin(2026, month, 15), Frequency.QUARTERLY, 4) == Period(start, end)


def test_fiscal_year_starting_in_april_runs_to_the_next_april():
    assert period_of(berlin(2026, 2, 10), Frequency.YEARLY, 4) == Period(
        berlin(2025, 4, 1), berlin(2026, 4, 1)
    )
    assert period_of(berlin(2026, 4, 1), Frequency.YEARLY, 4) == Period(
        berlin(2026, 4, 1), berlin(2027, 4, 1)
    )


def test_fiscal_quarters_can_straddle_new_year():
    # Fiscal year from November: quarters Nov-Jan, Feb-Apr, May-Jul, Aug-Oct.
    period = period_of(berlin(2027, 1, 20), Frequency.QUARTERLY, 11)

    assert period == Period(berlin(2026, 11, 1), berlin(2027, 2, 1))


def test_naive_datetimes_get_naive_periods():
    period = period_of(datetime(2026, 5, 13, 14, 35), Frequency.HOURLY)

    assert period == Period(datetime(2026, 5, 13, 14), datetime(2026, 5, 13, 15))
    assert period_of(datetime(2026, 5, 13, 14), Frequency.DAILY).end == datetime(2026, 5, 14)
    assert previous_period(period, Frequency.HOURLY).start == datetime(2026, 5, 13, 13)


def test_periods_use_the_zone_of_the_timestamp():
    tokyo = timezone(timedelta(hours=9))
    # 20:00 UTC on 13 May is already 14 May in Tokyo.
    moment = datetime(2026, 5, 13, 20, tzinfo=UTC).astimezone(tokyo)

    assert period_of(moment, Frequency.DAILY).start == datetime(2026, 5, 14, tzinfo=tokyo)


# Daylight saving.


def test_spring_forward_day_in_berlin_lasts_23_hours():
    period = period_of(berlin(2026, 3, 29, 12), Frequency.DAILY)

    assert real_length(period) == 23 * HOUR
    assert period.end == berlin(2026, 3, 30)


def test_fall_back_day_in_berlin_lasts_25_hours():
    assert real_length(period_of(berlin(2026, 10, 25, 12), Frequency.DAILY)) == 25 * HOUR


def test_week_with_a_daylight_saving_change_in_new_york_lasts_a_week_of_wall_clock():
    period = period_of(datetime(2026, 3, 10, tzinfo=NEW_YORK), Frequency.WEEKLY)

    assert period.start == datetime(2026, 3, 9, tzinfo=NEW_YORK)
    assert real_length(period) == 7 * 24 * HOUR


def test_the_two_hours_of_an_autumn_night_are_distinct_periods():
    first = period_of(berlin(2026, 10, 25, 2, 30, fold=0), Frequency.HOURLY)
    second = period_of(berlin(2026, 10, 25, 2, 30, fold=1), Frequency.HOURLY)

    assert utc(first.end) == utc(second.start)
    assert real_length(first) == real_length(second) == HOUR
    assert next_period(first, Frequency.HOURLY) == second
    assert utc(previous_period(second, Frequency.HOURLY).start) == utc(first.start)


def test_the_hour_before_a_spring_gap_ends_where_the_clock_resumes():
    period = period_of(berlin(2026, 3, 29, 1, 30), Frequency.HOURLY)

    assert period.end == berlin(2026, 3, 29, 3)
    assert real_length(period) == HOUR


def test_a_wall_time_inside_the_spring_gap_is_read_as_the_time_after_it():
    # 02:30 never happened in Berlin on 2026-03-29; zoneinfo reads it as 03:30 CEST.
    assert period_of(berlin(2026, 3, 29, 2, 30), Frequency.HOURLY).start == berlin(2026, 3, 29, 3)


def test_a_day_whose_midnight_does_not_exist_starts_when_the_clock_resumes():
    # Santiago springs forward from 00:00 to 01:00 on 2026-09-06.
    santiago = ZoneInfo("America/Santiago")

    period = period_of(datetime(2026, 9, 6, 12, tzinfo=santiago), Frequency.DAILY)

    assert period.start == datetime(2026, 9, 6, 1, tzinfo=santiago)
    assert real_length(period) == 23 * HOUR


# Moving between periods.


def test_latest_complete_period_is_the_one_before_now():
    assert latest_complete_period(berlin(2026, 3, 1, 0, 5), Frequency.MONTHLY) == Period(
        berlin(2026, 2, 1), berlin(2026, 3, 1)
    )


def test_previous_and_next_period_step_over_a_fiscal_year():
    this_year = period_of(berlin(2026, 6, 1), Frequency.YEARLY, 4)

    assert previous_period(this_year, Frequency.YEARLY, 4).start == berlin(2025, 4, 1)
    assert next_period(this_year, Frequency.YEARLY, 4).start == berlin(2027, 4, 1)


@pytest.mark.parametrize(
    ("frequency", "length"),
    [
        (Frequency.HOURLY, HOUR),
        (Frequency.DAILY, timedelta(days=1)),
        (Frequency.WEEKLY, timedelta(days=7)),
        (Frequency.MONTHLY, timedelta(days=30)),
        (Frequency.QUARTERLY, timedelta(days=91)),
        (Frequency.YEARLY, timedelta(days=365)),
    ],
)
def test_nominal_length_of_each_frequency(frequency, length):
    assert nominal_length(frequency) == length


def test_coarser_frequencies_are_the_longer_ones_finest_first():
    assert coarser_frequencies(Frequency.WEEKLY) == [
        Frequency.MONTHLY,
        Frequency.QUARTERLY,
        Frequency.YEARLY,
    ]
    assert coarser_frequencies(Frequency.YEARLY) == []


def test_period_contains_its_start_but_not_its_end():
    period = Period(berlin(2026, 1, 1), berlin(2026, 1, 2))

    assert period.contains(berlin(2026, 1, 1))
    assert not period.contains(berlin(2026, 1, 2))
    assert period.contains(datetime(2025, 12, 31, 23, tzinfo=UTC))


# Aggregation.

POINTS = [
    (berlin(2026, 1, 1, 9), 4.0),
    (berlin(2026, 1, 1, 18), 1.0),
    (berlin(2026, 1, 1, 12), 7.0),
]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (Aggregation.SUM, 12.0),
        (Aggregation.AVERAGE, 4.0),
        (Aggregation.LAST, 1.0),
        (Aggregation.MIN, 1.0),
        (Aggregation.MAX, 7.0),
    ],
)
def test_aggregate_combines_measurements(aggregation, expected):
    assert aggregate(POINTS, aggregation) == expected


def test_last_is_the_latest_timestamp_and_the_last_listed_on_a_tie():
    tied = [(berlin(2026, 1, 1, 9), 1.0), (berlin(2026, 1, 1, 9), 2.0), (berlin(2026, 1, 1), 3.0)]

    assert aggregate(tied, Aggregation.LAST) == 2.0


def test_last_compares_real_instants_in_an_autumn_fold():
    earlier = (berlin(2026, 10, 25, 2, 45, fold=0), 1.0)
    later = (berlin(2026, 10, 25, 2, 15, fold=1), 2.0)

    assert aggregate([later, earlier], Aggregation.LAST) == 2.0


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_aggregate_of_no_measurements_is_none(aggregation):
    assert aggregate([], aggregation) is None


def test_aggregate_by_period_groups_measurements_and_sorts_by_start():
    points = [*POINTS, (berlin(2025, 12, 31, 23), 10.0)]

    result = aggregate_by_period(points, Frequency.DAILY, Aggregation.SUM)

    assert result == [
        PeriodValue(Period(berlin(2025, 12, 31), berlin(2026, 1, 1)), 10.0, 1),
        PeriodValue(Period(berlin(2026, 1, 1), berlin(2026, 1, 2)), 12.0, 3),
    ]


def test_aggregate_by_period_keeps_the_two_autumn_hours_apart():
    points = [
        (berlin(2026, 10, 25, 2, 10, fold=1), 5.0),
        (berlin(2026, 10, 25, 2, 10, fold=0), 1.0),
        (berlin(2026, 10, 25, 2, 50, fold=0), 2.0),
    ]

    result = aggregate_by_period(points, Frequency.HOURLY, Aggregation.SUM)

    assert [(item.value, item.count) for item in result] == [(3.0, 2), (5.0, 1)]


# Properties.

ZONES = st.sampled_from([BERLIN, NEW_YORK])
FISCAL_START = st.integers(min_value=1, max_value=12)
# Instants near the 2024-2027 changes in Berlin and New York, so that hypothesis
# explores the transitions instead of the ordinary hours that make up most of a year.
TRANSITIONS_UTC = [
    datetime(year, month, day, hour, tzinfo=UTC)
    for year, month, day, hour in [
        (2024, 3, 31, 1), (2024, 10, 27, 1), (2024, 3, 10, 7), (2024, 11, 3, 6),
        (2025, 3, 30, 1), (2025, 10, 26, 1), (2025, 3, 9, 7), (2025, 11, 2, 6),
        (2026, 3, 29, 1), (2026, 10, 25, 1), (2026, 3, 8, 7), (2026, 11, 1, 6),
    ]
]  # fmt: skip
near_transitions = st.builds(
    lambda base, minutes, zone: (base + timedelta(minutes=minutes)).astimezone(zone),
    st.sampled_from(TRANSITIONS_UTC),
    st.integers(min_value=-36 * 60, max_value=36 * 60),
    ZONES,
)
any_time = st.datetimes(
    min_value=datetime(1980, 1, 1),
    max_value=datetime(2080, 1, 1),
    timezones=ZONES,
    allow_imaginary=False,
)
moments = near_transitions | any_time


@settings(deadline=None)
@given(moment=moments, frequency=st.sampled_from(Frequency), fiscal_start=FISCAL_START)
def test_period_of_contains_the_timestamp(moment, frequency, fiscal_start):
    assert period_of(moment, frequency, fiscal_start).contains(moment)


@settings(deadline=None)
@given(moment=moments, frequency=st.sampled_from(Frequency), fiscal_start=FISCAL_START)
def test_periods_tile_time_without_gaps_or_overlaps(moment, frequency, fiscal_start):
    period = period_of(moment, frequency, fiscal_start)
    following = next_period(period, frequency, fiscal_start)
    preceding = previous_period(period, frequency, fiscal_start)

    assert utc(following.start) == utc(period.end)
    assert utc(preceding.end) == utc(period.start)
    assert utc(period.start) < utc(period.end)
    assert following.start.tzinfo is period.start.tzinfo


@settings(deadline=None)
@given(
    points=st.lists(st.tuples(moments, st.floats(min_value=-1e6, max_value=1e6))),
    frequency=st.sampled_from(Frequency),
    aggregation=st.sampled_from(Aggregation),
)
def test_aggregate_by_period_counts_every_measurement_once(points, frequency, aggregation):
    result = aggregate_by_period(points, frequency, aggregation)

    assert sum(item.count for item in result) == len(points)
    starts = [utc(item.period.start) for item in result]
    assert starts == sorted(set(starts))
