import datetime as dt

import pytest
import time_machine
from django.core import mail

from goalkeeper.digests import sending
from goalkeeper.digests.models import DigestSend, SendStatus
from goalkeeper.domain.rhythm import week_of
from goalkeeper.notifications.models import Notification
from goalkeeper.okrs.services import record_check_in
from tests.digests.conftest import build_rhythm, received

# A Wednesday: the rhythm is built then, and the next Monday's round is looked at.
BUILT = dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC)
MONDAY_DIGESTS = dt.datetime(2026, 11, 16, 8, tzinfo=dt.UTC)
MONDAY_REMINDER = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
ALL_KINDS = list(sending.KINDS)


@pytest.fixture
def rhythm(db):
    with time_machine.travel(BUILT, tick=False):
        yield build_rhythm()


def run_now(rhythm, now, kinds=ALL_KINDS, **options):
    with time_machine.travel(now, tick=False):
        return sending.run_round(
            rhythm.workspace, kinds, week_of(now, rhythm.workspace.zone), now, **options
        )


def address(person):
    return person.user.email


def test_each_person_gets_what_concerns_them_once(rhythm):
    run_now(rhythm, MONDAY_REMINDER)
    assert received() == {
        (address(rhythm.omar), "reminder"): 1,
        (address(rhythm.omar), "personal"): 1,
        (address(rhythm.lena), "personal"): 1,
        (address(rhythm.lena), "team"): 1,
        (address(rhythm.ada), "company"): 1,
    }


def test_a_second_run_in_the_same_week_sends_nothing_new(rhythm):
    run_now(rhythm, MONDAY_REMINDER)
    sent = len(mail.outbox)
    report = run_now(rhythm, MONDAY_REMINDER + dt.timedelta(days=2))
    assert len(mail.outbox) == sent
    assert report.sent == 0
    assert report.skipped()["already sent"] == 5


def test_the_deactivated_lead_gets_nothing(rhythm):
    run_now(rhythm, MONDAY_REMINDER)
    assert not [m for m in mail.outbox if address(rhythm.dora) in m.to]
    assert not DigestSend.objects.filter(person=rhythm.dora).exists()


def test_who_unsubscribed_from_all_email_gets_none_but_keeps_the_inbox_items(rhythm):
    report = run_now(rhythm, MONDAY_REMINDER)
    assert not [m for m in mail.outbox if address(rhythm.uma) in m.to]
    assert ("reminder", "unsubscribed") in {
        (o.kind, o.reason) for o in report.outcomes if o.person_id == rhythm.uma.pk
    }
    assert Notification.objects.filter(
        person=rhythm.uma, kind="check_in_due", subject_id=rhythm.umas.pk
    ).exists()


def test_who_unsubscribed_from_the_reminder_still_gets_the_digest(rhythm):
    from goalkeeper.notifications.services import unsubscribe

    unsubscribe(person=rhythm.omar, kind="reminder")
    run_now(rhythm, MONDAY_REMINDER)
    kinds = {kind for (to, kind) in received() if to == address(rhythm.omar)}
    assert kinds == {"personal"}


def test_the_reminder_lists_the_waiting_key_results_and_links_to_the_check_in_page(rhythm):
    run_now(rhythm, MONDAY_REMINDER, kinds=["reminder"])
    (message,) = mail.outbox
    assert message.subject == "Check-in time: 2 key results waiting for you"
    assert "Revenue in the north" in message.body
    assert "Deals signed" in message.body
    assert "http://testserver/check-in/" in message.body or "/check-in/" in message.body


def test_the_reminder_leaves_inbox_items_that_a_check_in_clears(rhythm):
    run_now(rhythm, MONDAY_REMINDER, kinds=["reminder"])
    items = Notification.objects.filter(person=rhythm.omar, kind="check_in_due")
    assert {item.key for item in items} == {
        f"kr:{rhythm.revenue.pk}:2026-11-16",
        f"kr:{rhythm.deals.pk}:2026-11-16",
    }
    with time_machine.travel(MONDAY_REMINDER + dt.timedelta(hours=1), tick=False):
        record_check_in(actor=rhythm.omar, key_result=rhythm.deals, value=20, confidence=6)
    open_items = items.filter(done_at__isnull=True)
    assert [item.subject_id for item in open_items] == [rhythm.revenue.pk]


def test_a_key_result_checked_in_this_week_is_not_waiting(rhythm):
    with time_machine.travel(MONDAY_DIGESTS, tick=False):
        record_check_in(actor=rhythm.omar, key_result=rhythm.deals, value=20, confidence=6)
    run_now(rhythm, MONDAY_REMINDER, kinds=["reminder"])
    (message,) = mail.outbox
    assert message.subject == "Check-in time: 1 key result waiting for you"


def test_a_digest_with_nothing_to_say_is_not_sent(rhythm):
    report = run_now(rhythm, MONDAY_REMINDER, kinds=["personal"])
    ada = [o for o in report.outcomes if o.person_id == rhythm.ada.pk]
    assert [(o.status, o.reason) for o in ada] == [("skipped", "nothing to say")]


def test_a_failed_send_is_recorded_and_the_next_run_sends_it_once(rhythm, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(sending.delivery, "message_for", broken)
    report = run_now(rhythm, MONDAY_REMINDER, kinds=["company"])
    assert report.failed == 1
    row = DigestSend.objects.get(person=rhythm.ada, kind="company")
    assert row.status == SendStatus.FAILED
    assert "connection refused" in row.error
    monkeypatch.undo()
    report = run_now(rhythm, MONDAY_REMINDER + dt.timedelta(minutes=5), kinds=["company"])
    assert report.sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (SendStatus.SENT, 2)
    assert received() == {(address(rhythm.ada), "company"): 1}


def test_a_dry_run_writes_nothing_and_says_what_would_go(rhythm, tmp_path):
    report = run_now(rhythm, MONDAY_REMINDER, dry_run=True, html_dir=tmp_path)
    assert sum(1 for o in report.outcomes if o.status == "would send") == 5
    assert mail.outbox == []
    assert not DigestSend.objects.exists()
    assert not Notification.objects.filter(kind="check_in_due").exists()
    assert len(list(tmp_path.glob("*.html"))) == 5


def _build_every_digest(rhythm):
    from goalkeeper.digests.content import digests_for
    from goalkeeper.digests.reads import load_week

    week = load_week(rhythm.workspace, MONDAY_REMINDER)
    of = week_of(MONDAY_REMINDER, rhythm.workspace.zone)
    return [d for kind in ALL_KINDS for d in digests_for(week, kind, of)]


def test_building_a_workspace_s_digests_takes_the_same_queries_whatever_its_size(
    rhythm, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goalkeeper.accounts.services import add_member, add_person
    from goalkeeper.okrs.services import create_key_result

    with time_machine.travel(MONDAY_REMINDER, tick=False):
        with CaptureQueriesContext(connection) as small:
            before = _build_every_digest(rhythm)
        for n in range(12):
            newcomer = add_person(
                actor=None,
                workspace=rhythm.workspace,
                email=f"new{n}@rhythm.test",
                name=f"Newcomer {n}",
                role="editor",
                password="x" * 12,
            )
            add_member(actor=None, team=rhythm.sales, person=newcomer, is_lead=n % 3 == 0)
            create_key_result(
                actor=rhythm.ada,
                objective=rhythm.objective,
                title=f"Thing {n}",
                kind="increase",
                start=0,
                target=10,
                owner=newcomer,
                kpi=None,
            )
        with django_assert_max_num_queries(len(small.captured_queries)):
            after = _build_every_digest(rhythm)
    assert len(after) > len(before) + 12
    assert len(small.captured_queries) <= 12
