"""Inbox items, their emails and chat posts are written in each recipient's language
(docs/languages.md)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from goalkeeper.accounts.models import Person
from goalkeeper.notifications import delivery
from goalkeeper.notifications.models import Notification
from goalkeeper.notifications.services import set_preferences, set_watching
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.okrs.services import close_objective, record_check_in
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def _speaks(person: Person, language: str) -> None:
    person.user.language = language
    person.user.save(update_fields=["language"])


def _title(person: Person, kind: str) -> str:
    return Notification.objects.get(person=person, kind=kind).title


def test_one_check_in_tells_a_german_watcher_in_german_and_an_english_one_in_english(
    plan: Plan,
) -> None:
    w = plan.world
    _speaks(w.editor, "de")
    _speaks(w.admin, "en")
    info = describe_one(("key_result", plan.key_result.pk))
    assert info is not None
    set_watching(person=w.admin, info=info, watching=True)
    with translation.override("de"):  # the author's request, in German
        record_check_in(actor=w.owner, key_result=plan.key_result, value=4.5, confidence=6)
    german = Notification.objects.get(person=w.editor, kind="watched_check_in")
    assert german.title == "Owen Owner hat einen Check-in bei Sign 10 customers gemacht"
    assert german.body == "Jetzt 4,5 customers, Zuversicht 6/10"
    english = Notification.objects.get(person=w.admin, kind="watched_check_in")
    assert english.title == "Owen Owner checked in on Sign 10 customers"
    assert english.body == "Now 4.5 customers, confidence 6/10"


def test_a_closed_objective_is_told_with_the_score_in_the_readers_language(plan: Plan) -> None:
    w = plan.world
    _speaks(w.editor, "de")
    _speaks(w.admin, "en")
    close_objective(actor=w.owner, objective=plan.objective, final_score=0.7)
    assert _title(w.editor, "objective_closed") == (
        "Win the north wurde mit einer Bewertung von 0,7 abgeschlossen"
    )


def test_a_notification_email_goes_out_in_the_recipients_language(plan: Plan) -> None:
    w = plan.world
    _speaks(w.editor, "de")
    set_preferences(person=w.editor, choices={"watched_check_in": ("immediate", False)})
    mail.outbox.clear()
    record_check_in(actor=w.owner, key_result=plan.key_result, value=4, confidence=6)
    delivery.send_now([w.editor.pk])
    (message,) = [m for m in mail.outbox if m.to == [w.editor.user.email]]
    assert message.subject == "Owen Owner hat einen Check-in bei Sign 10 customers gemacht"
    assert "In Goalkeeper öffnen" in message.body
    assert "Wähle, was dich erreicht" in message.body
