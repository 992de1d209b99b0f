from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from goalkeeper.domain.instants import elapsed, instant, shift

BERLIN = ZoneInfo("Europe/Berlin")


def test_elapsed_counts_real_time_across_a_daylight_saving_change():
    # Python's own subtraction of two Berlin datetimes would say 24 hours.
    before = datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    after = datetime(2026, 3, 29, 12, tzinfo=BERLIN)

    assert after - before == timedelta(hours=24)
    assert elapsed(after, before) == timedelta(hours=23)


def test_shift_moves_by_real_time_and_keeps_the_zone():
    moved = shift(datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN), timedelta(hours=1))

    assert moved == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)
    assert moved.tzinfo is BERLIN


def test_instant_tells_apart_the_two_readings_of_an_autumn_hour():
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = first.replace(fold=1)

    assert first == second
    assert instant(second) - instant(first) == timedelta(hours=1)
    assert instant(first).tzinfo is UTC


def test_naive_datetimes_are_taken_as_they_are():
    naive = datetime(2026, 3, 29, 1, 30)

    assert instant(naive) is naive
    assert elapsed(naive + timedelta(hours=2), naive) == timedelta(hours=2)
    assert shift(naive, timedelta(hours=1)) == datetime(2026, 3, 29, 2, 30)
