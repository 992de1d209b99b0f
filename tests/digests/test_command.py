"""`goalkeeper digests --now [--dry-run] [--workspace SLUG] [--html DIR]`."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from goalkeeper.digests.models import DigestSend
from tests.digests.conftest import build_rhythm

BUILT = dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC)
# A Friday: nothing is due by the schedule; --now sends this week's anyway.
FRIDAY = dt.datetime(2026, 11, 13, 15, tzinfo=dt.UTC)


@pytest.fixture
def rhythm(db):
    with time_machine.travel(BUILT, tick=False):
        rhythm = build_rhythm()
        build_rhythm(name="Other")
    return rhythm


def digests(*args):
    out = StringIO()
    with time_machine.travel(FRIDAY, tick=False):
        call_command("digests", *args, stdout=out)
    return out.getvalue()


def test_now_sends_this_week_s_reminders_and_digests_and_says_so(rhythm):
    out = digests("--now", "--workspace", "rhythm")
    assert "5 sent, 0 failed" in out
    assert "sent       reminder to Omar Rhythm" in out
    assert "unsubscribed" in out  # Uma
    assert len(mail.outbox) == 5
    assert {row.week for row in DigestSend.objects.all()} == {dt.date(2026, 11, 9)}


def test_a_second_run_in_the_same_week_sends_nothing_new(rhythm):
    digests("--now", "--workspace", "rhythm")
    out = digests("--now", "--workspace", "rhythm")
    assert "0 sent, 0 failed" in out
    assert "5 already sent" in out
    assert len(mail.outbox) == 5


def test_without_a_workspace_every_workspace_is_served(rhythm):
    out = digests("--now")
    assert "Rhythm (rhythm)" in out
    assert "Other (other)" in out
    assert "10 sent" in out


def test_a_dry_run_prints_and_writes_nothing(rhythm, tmp_path):
    out = digests("--now", "--dry-run", "--workspace", "rhythm", "--html", str(tmp_path))
    assert "5 would be sent" in out
    assert "would send reminder to Omar Rhythm" in out
    assert mail.outbox == []
    assert not DigestSend.objects.exists()
    assert len(list(tmp_path.glob("*.html"))) == 5
    assert len(list(tmp_path.glob("*.txt"))) == 5


def test_a_dry_run_after_a_send_says_what_was_sent(rhythm):
    digests("--now", "--workspace", "rhythm", "--kind", "company")
    out = digests("--now", "--dry-run", "--workspace", "rhythm")
    assert "1 already sent" in out
    assert "4 would be sent" in out


def test_only_the_kinds_asked_for_are_sent(rhythm):
    out = digests("--now", "--workspace", "rhythm", "--kind", "reminder", "--kind", "team")
    assert "2 sent" in out
    assert {row.kind for row in DigestSend.objects.all()} == {"reminder", "team"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "now: say --now"),
        (("--now", "--workspace", "nowhere"), "workspace: no workspace 'nowhere'"),
        (("--now", "--html", "previews"), "html: --html writes previews, so it needs --dry-run"),
    ],
)
def test_bad_options_are_refused_naming_the_option(rhythm, args, message):
    with pytest.raises(CommandError, match=message):
        digests(*args)
