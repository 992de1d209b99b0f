"""The periodic job with the clock frozen in several zones, across daylight-saving changes:
each reminder and digest goes once per person per week, at its local time."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core import mail

from goalkeeper.digests import sending, services
from goalkeeper.digests.models import DigestRound, DigestSend
from tests.digests.conftest import DIGEST_HEADER, build_rhythm


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def kinds_sent_since(start):
    return Counter(m.extra_headers[DIGEST_HEADER] for m in mail.outbox[start:])


def tick(now):
    """One run of the job at `now`: the kinds sent then, counted."""
    before = len(mail.outbox)
    with time_machine.travel(now, tick=False):
        sending.run_due(now)
    return kinds_sent_since(before)


def digests_on(rhythm, weekday, at):
    services.update_schedule(
        actor=rhythm.ada, workspace=rhythm.workspace, digest_weekday=weekday, digest_time=at
    )


# Omar gets a reminder and a personal digest, Lena a team digest (and a personal one while
# her team's check-ins are less than seven days old), Ada the company digest; Uma
# (unsubscribed) and Dora (deactivated) nothing.
REMINDER = Counter({"reminder": 1})
DIGESTS = Counter({"personal": 1, "team": 1, "company": 1})


def test_berlin_a_sunday_time_skipped_by_the_spring_change_still_sends_once(db):
    with time_machine.travel(utc(2026, 3, 18, 12), tick=False):
        rhythm = build_rhythm("Europe/Berlin")
        # 02:30 on Sunday 2026-03-29 never happens in Berlin: 02:00 CET jumps to 03:00 CEST.
        digests_on(rhythm, 6, dt.time(2, 30))
    assert tick(utc(2026, 3, 23, 7, 59)) == Counter()  # Monday 08:59 CET
    assert tick(utc(2026, 3, 23, 8, 0)) == REMINDER  # Monday 09:00 CET
    assert tick(utc(2026, 3, 23, 8, 5)) == Counter()
    assert tick(utc(2026, 3, 29, 0, 55)) == Counter()  # Sunday 01:55 CET
    assert tick(utc(2026, 3, 29, 1, 0)) == DIGESTS  # Sunday 03:00 CEST, the change
    assert tick(utc(2026, 3, 29, 1, 5)) == Counter()
    assert tick(utc(2026, 3, 29, 21, 55)) == Counter()  # Sunday 23:55 CEST
    assert tick(utc(2026, 3, 30, 6, 55)) == Counter()  # Monday 08:55 CEST: a new week
    assert tick(utc(2026, 3, 30, 7, 0)) == REMINDER  # Monday 09:00 CEST
    assert tick(utc(2026, 4, 2, 12, 0)) == Counter()
    weeks = Counter((row.person_id, row.kind, row.week) for row in DigestSend.objects.all())
    assert set(weeks.values()) == {1}
    assert {row.week for row in DigestSend.objects.filter(kind="reminder")} == {
        dt.date(2026, 3, 23),
        dt.date(2026, 3, 30),
    }


def test_new_york_a_time_that_happens_twice_on_the_fall_back_day_sends_once(db):
    with time_machine.travel(utc(2026, 10, 21, 12), tick=False):
        rhythm = build_rhythm("America/New_York")
        # 01:30 happens twice on Sunday 2026-11-01 (EDT, then EST): the first one counts.
        digests_on(rhythm, 6, dt.time(1, 30))
    assert tick(utc(2026, 10, 26, 12, 55)) == Counter()  # Monday 08:55 EDT
    assert tick(utc(2026, 10, 26, 13, 0)) == REMINDER  # Monday 09:00 EDT
    assert tick(utc(2026, 11, 1, 5, 25)) == Counter()  # Sunday 01:25 EDT
    assert tick(utc(2026, 11, 1, 5, 30)) == DIGESTS  # Sunday 01:30 EDT
    assert tick(utc(2026, 11, 1, 6, 30)) == Counter()  # Sunday 01:30 EST, again
    assert tick(utc(2026, 11, 2, 13, 55)) == Counter()  # Monday 08:55 EST
    assert tick(utc(2026, 11, 2, 14, 0)) == REMINDER  # Monday 09:00 EST
    assert tick(utc(2026, 11, 8, 6, 30)) == DIGESTS  # Sunday 01:30 EST, the next week
    assert DigestRound.objects.filter(kind="reminder").count() == 2


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("Asia/Kolkata", utc(2026, 11, 16, 3, 30)),  # Monday 09:00 IST (+05:30)
        ("Pacific/Chatham", utc(2026, 11, 15, 19, 15)),  # Monday 09:00 CHADT (+13:45)
        ("Australia/Sydney", utc(2026, 11, 15, 22, 0)),  # Monday 09:00 AEDT (+11)
    ],
)
def test_the_reminder_falls_due_at_nine_local_in_odd_offsets(db, zone, due):
    with time_machine.travel(utc(2026, 11, 11, 12), tick=False):
        build_rhythm(zone)
    assert tick(due - dt.timedelta(minutes=5))["reminder"] == 0
    assert tick(due)["reminder"] == 1
    assert tick(due + dt.timedelta(hours=30))["reminder"] == 0


def test_a_switched_off_kind_is_not_sent(db):
    with time_machine.travel(utc(2026, 11, 11, 12), tick=False):
        rhythm = build_rhythm()
        services.update_schedule(
            actor=rhythm.ada, workspace=rhythm.workspace, reminder_enabled=False, team_enabled=False
        )
    assert tick(utc(2026, 11, 16, 9)) == Counter({"personal": 2, "company": 1})


def test_a_finished_round_is_not_rebuilt(db, django_assert_max_num_queries):
    with time_machine.travel(utc(2026, 11, 11, 12), tick=False):
        build_rhythm()
    tick(utc(2026, 11, 16, 9))
    with django_assert_max_num_queries(3):
        tick(utc(2026, 11, 16, 9, 5))
