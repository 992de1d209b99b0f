"""The ledger: the INSERT of a send's row is its claim, taken once whatever the callers."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from goalkeeper.digests import sending, services
from goalkeeper.digests.models import DigestSend, SendStatus
from goalkeeper.domain.rhythm import week_of
from tests.digests.conftest import build_rhythm, received

WEEK = dt.date(2026, 11, 16)
ON_POSTGRESQL = connection.vendor == "postgresql"


def claim(rhythm, person=None, kind="personal", team=None, week=WEEK):
    return services.claim(
        workspace_id=rhythm.workspace.pk,
        person_id=(person or rhythm.omar).pk,
        kind=kind,
        week=week,
        team_id=team.pk if team else None,
    )


def test_a_send_is_claimed_once(rhythm):
    assert claim(rhythm) is not None
    assert claim(rhythm) is None
    assert DigestSend.objects.count() == 1


def test_the_claim_without_a_team_is_unique_too(rhythm):
    # NULLs are distinct in a plain UNIQUE index: the constraint without a team covers it.
    claim(rhythm, kind="company")
    assert claim(rhythm, kind="company") is None


def test_a_team_digest_is_claimed_once_per_team(rhythm):
    assert claim(rhythm, rhythm.lena, "team", rhythm.sales) is not None
    assert claim(rhythm, rhythm.lena, "team", rhythm.company) is not None
    assert claim(rhythm, rhythm.lena, "team", rhythm.sales) is None


def test_each_week_and_kind_has_its_own_claim(rhythm):
    assert claim(rhythm) is not None
    assert claim(rhythm, kind="reminder") is not None
    assert claim(rhythm, week=WEEK + dt.timedelta(days=7)) is not None


def test_a_failed_send_is_claimed_again_once(rhythm):
    first = claim(rhythm)
    services.mark_failed(first, "SMTPServerDisconnected: gone")
    again = claim(rhythm)
    assert again == first
    assert claim(rhythm) is None
    row = DigestSend.objects.get(pk=first)
    assert (row.status, row.attempts, row.error) == (SendStatus.SENDING, 2, "")


def test_a_send_being_sent_is_not_taken_again(rhythm):
    # A worker that died mid-send leaves its row "sending": nobody knows if it went out.
    claim(rhythm)
    assert claim(rhythm) is None


def test_the_claim_is_a_single_insert(rhythm):
    with CaptureQueriesContext(connection) as queries:
        claim(rhythm)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1


pytestmark_pg = pytest.mark.skipif(not ON_POSTGRESQL, reason="a race needs PostgreSQL")


def _race(callers, work):
    barrier = threading.Barrier(callers)
    results = []
    errors = []

    def one():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytestmark_pg
@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_one_claim_get_it_once():
    rhythm = build_rhythm()
    results = _race(6, lambda: claim(rhythm))
    assert sum(1 for r in results if r is not None) == 1
    assert DigestSend.objects.count() == 1


@pytestmark_pg
@pytest.mark.django_db(transaction=True)
def test_two_rounds_running_at_once_send_each_message_once():
    moment = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
    with time_machine.travel(moment - dt.timedelta(days=5), tick=False):
        rhythm = build_rhythm()
    week = week_of(moment, rhythm.workspace.zone)
    with time_machine.travel(moment, tick=False):
        reports = _race(
            2,
            lambda: sending.run_round(rhythm.workspace, list(sending.KINDS), week, moment),
        )
    assert sum(report.sent for report in reports) == 5
    assert set(received().values()) == {1}
    assert len(received()) == 5
