"""Reminders and digests are written in each recipient's language (docs/languages.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from goalkeeper.accounts.models import Person
from goalkeeper.digests import sending
from goalkeeper.digests.delivery import DIGEST_HEADER
from goalkeeper.domain.rhythm import week_of
from goalkeeper.notifications.models import Notification
from tests.digests.conftest import build_rhythm

BUILT = dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def _speaks(person: Person, language: str) -> None:
    person.user.language = language
    person.user.save(update_fields=["language"])


def _sent() -> dict[tuple[str, str], mail.EmailMultiAlternatives]:
    return {(m.to[0], m.extra_headers[DIGEST_HEADER]): m for m in mail.outbox}


def _html(message: mail.EmailMultiAlternatives) -> str:
    return next(str(body) for body, kind in message.alternatives if kind == "text/html")


def test_a_german_persons_digest_is_german_and_an_english_persons_english_in_one_run() -> None:
    with time_machine.travel(BUILT, tick=False):
        rhythm = build_rhythm()
    _speaks(rhythm.omar, "de")
    _speaks(rhythm.ada, "en")
    # Whatever language the run happens in (a German admin's "send now", say).
    with time_machine.travel(MONDAY, tick=False), translation.override("de"):
        sending.run_round(rhythm.workspace, list(sending.KINDS), week_of(MONDAY, dt.UTC), MONDAY)
    sent = _sent()

    reminder = sent[(rhythm.omar.user.email, "reminder")]
    assert reminder.subject == "Zeit für Check-ins: 2 Key Results warten auf dich"
    assert "Hallo Omar Rhythm! " in reminder.body
    assert "Jetzt einchecken: " in reminder.body
    assert "E-Mails „Check-in-Erinnerung“ abbestellen" in reminder.body
    assert '<html lang="de">' in _html(reminder)
    assert "Warten auf deinen Check-in" in _html(reminder)

    personal = sent[(rhythm.omar.user.email, "personal")]
    assert personal.subject == "Deine Woche in Goalkeeper: 2 Key Results warten"
    assert "Deine roten und veralteten KPIs" in personal.body
    assert "Rot" in _html(personal)

    company = sent[(rhythm.ada.user.email, "company")]
    assert company.subject == "Rhythm this week in Goalkeeper"
    assert "Hello Ada Rhythm," in company.body
    assert "Objectives at risk or off track" in company.body
    assert '<html lang="en">' in _html(company)


def test_a_person_who_chose_no_language_gets_english_whatever_the_run_speaks() -> None:
    with time_machine.travel(BUILT, tick=False):
        rhythm = build_rhythm()
    assert rhythm.lena.user.language == ""
    with time_machine.travel(MONDAY, tick=False), translation.override("de"):
        sending.run_round(rhythm.workspace, ["team"], week_of(MONDAY, dt.UTC), MONDAY)
    team = _sent()[(rhythm.lena.user.email, "team")]
    assert team.subject == "Sales this week in Goalkeeper"
    assert "Red KPIs" in team.body


def test_the_check_in_due_items_of_the_reminder_are_in_their_owners_language() -> None:
    with time_machine.travel(BUILT, tick=False):
        rhythm = build_rhythm()
    _speaks(rhythm.omar, "de")
    with time_machine.travel(MONDAY, tick=False):
        sending.run_round(rhythm.workspace, ["reminder"], week_of(MONDAY, dt.UTC), MONDAY)
    titles = set(
        Notification.objects.filter(person=rhythm.omar, kind="check_in_due").values_list(
            "title", flat=True
        )
    )
    assert titles == {"Check-in bei Revenue in the north", "Check-in bei Deals signed"}
