import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.rhythm import (
    Week,
    due_at,
    is_due,
    local_instant,
    week_containing,
    week_end,
    week_of,
    week_start,
)

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "UTC",
    )
]
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

zones = st.sampled_from(ZONES)
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.just(dt.UTC),
)
weekdays = st.integers(min_value=0, max_value=6)
times = st.times()


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_week_is_named_by_its_monday_and_iso_number():
    week = Week(dt.date(2026, 3, 30))
    assert week.iso == (2026, 14)
    assert week.label == "2026-W14"
    assert week.day(6) == dt.date(2026, 4, 5)
    assert week.next == Week(dt.date(2026, 4, 6))


def test_a_week_refuses_a_day_that_is_not_a_monday():
    with pytest.raises(ValueError, match="Monday"):
        Week(dt.date(2026, 3, 31))


def test_the_week_of_an_instant_is_read_in_local_time():
    # Sunday 23:30 UTC is already Monday in Berlin.
    assert week_of(utc(2026, 3, 29, 23, 30), BERLIN) == Week(dt.date(2026, 3, 30))
    assert week_of(utc(2026, 3, 29, 23, 30), dt.UTC) == Week(dt.date(2026, 3, 23))


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        is_due(dt.datetime(2026, 3, 30, 9), BERLIN, 0, dt.time(9))


def test_a_weekday_outside_the_week_is_refused():
    with pytest.raises(ValueError, match="weekday"):
        due_at(Week(dt.date(2026, 3, 30)), 7, dt.time(9), BERLIN)


def test_a_skipped_local_time_moves_to_the_change_itself():
    # Berlin springs forward at 02:00 CET (01:00 UTC) on 2026-03-29: 02:30 never happens.
    assert local_instant(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN) == utc(2026, 3, 29, 1)
    assert local_instant(dt.date(2026, 3, 8), dt.time(2, 15), NEW_YORK) == utc(2026, 3, 8, 7)


def test_a_repeated_local_time_takes_its_first_occurrence():
    # New York falls back at 02:00 EDT on 2026-11-01: 01:30 happens at 05:30 and 06:30 UTC.
    assert local_instant(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)
    assert local_instant(dt.date(2026, 10, 25), dt.time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_the_week_across_the_spring_change_is_an_hour_short():
    week = Week(dt.date(2026, 3, 23))
    assert week_end(week, BERLIN) - week_start(week, BERLIN) == dt.timedelta(days=7, hours=-1)


def test_a_sunday_time_skipped_by_the_change_still_falls_due_in_its_week():
    week = Week(dt.date(2026, 3, 23))
    assert due_at(week, 6, dt.time(2, 30), BERLIN) == utc(2026, 3, 29, 1)
    assert is_due(utc(2026, 3, 29, 0, 59), BERLIN, 6, dt.time(2, 30)) is None
    assert is_due(utc(2026, 3, 29, 1), BERLIN, 6, dt.time(2, 30)) == week


def test_monday_nine_in_berlin_is_due_from_that_instant_to_the_end_of_the_week():
    week = Week(dt.date(2026, 3, 30))
    assert is_due(utc(2026, 3, 30, 6, 59, 59), BERLIN, 0, dt.time(9)) is None
    assert is_due(utc(2026, 3, 30, 7), BERLIN, 0, dt.time(9)) == week
    assert is_due(utc(2026, 4, 5, 21, 59, 59), BERLIN, 0, dt.time(9)) == week
    assert is_due(utc(2026, 4, 5, 22), BERLIN, 0, dt.time(9)) is None


@given(zones, instants)
def test_an_instant_lies_inside_its_local_week(zone, moment):
    week = week_of(moment, zone)
    assert week.monday.weekday() == 0
    assert week_start(week, zone) <= moment < week_end(week, zone)
    assert week_containing(moment.astimezone(zone).date()) == week


@given(zones, instants, weekdays, times)
def test_the_due_instant_is_never_before_the_local_time_asked_for(zone, moment, weekday, at):
    week = week_of(moment, zone)
    due = due_at(week, weekday, at, zone)
    local = due.astimezone(zone)
    wanted = dt.datetime.combine(week.day(weekday), at)
    assert local.replace(tzinfo=None) >= wanted
    assert week_start(week, zone) <= due < week_end(week, zone)
    # It is exactly the time asked for whenever that time exists.
    round_trip = wanted.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) == wanted:
        assert local.replace(tzinfo=None) == wanted


@settings(max_examples=60)
@given(zones, instants, weekdays, times)
def test_each_local_week_falls_due_exactly_once(zone, moment, weekday, at):
    week = week_of(moment, zone)
    due = due_at(week, weekday, at, zone)
    start, end = week_start(week, zone), week_end(week, zone)
    # Due from its instant to the week's end, and never for another week inside it.
    assert is_due(due, zone, weekday, at) == week
    assert is_due(end - dt.timedelta(microseconds=1), zone, weekday, at) == week
    if due > start:
        assert is_due(due - dt.timedelta(microseconds=1), zone, weekday, at) is None
    step = (end - start) / 97
    seen = {is_due(start + step * i, zone, weekday, at) for i in range(97)}
    assert seen <= {None, week}
