"""Notification emails reach a real SMTP server and read back right (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from goalkeeper.notifications import delivery, services
from goalkeeper.notifications.models import EmailState, Notification, Preference
from goalkeeper.okrs.services import record_check_in
from tests.mailserver import Inbox, parts
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_a_mention_is_emailed_at_once_with_both_parts_and_unsubscribe_headers(
    plan: Plan, smtp_server: Inbox, settings: object
) -> None:
    w = plan.world
    services.notify(
        workspace_id=w.acme.pk,
        people=[plan.fan.pk],
        kind="mention",
        title="Ada Admin mentioned you on Win the north",
        body="Can you take the <b>north</b> accounts?",
        url=f"/objectives/{plan.objective.pk}/",
        subject=("objective", plan.objective.pk),
    )
    assert delivery.send_now([plan.fan.pk]) == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Ada Admin mentioned you on Win the north"
    assert message["To"] == "fay@acme.test"
    text, html = parts(message)
    assert "Can you take the <b>north</b> accounts?" in text
    assert "Can you take the &lt;b&gt;north&lt;/b&gt; accounts?" in html
    assert 'style="' in html
    assert "<style" not in html
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in html
    assert unsubscribe in text
    for link in _links(html):
        parsed = urlsplit(link)
        assert f"{parsed.scheme}://{parsed.netloc}" == "http://127.0.0.1:8000"
        resolve(parsed.path)  # every link opens a page that exists
    assert Notification.objects.get().email_state == EmailState.SENT
    # The header's link unsubscribes in one POST, as mail clients do it.
    answer = Client().post(urlsplit(unsubscribe).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert Preference.objects.get(person=plan.fan, kind="mention").email == "off"


def test_an_item_is_emailed_once_however_often_the_send_runs(
    plan: Plan, smtp_server: Inbox
) -> None:
    w = plan.world
    services.notify(
        workspace_id=w.acme.pk,
        people=[plan.fan.pk],
        kind="review_requested",
        title="Please review",
        url=f"/objectives/{plan.objective.pk}/",
    )
    assert delivery.send_now([plan.fan.pk]) == 1
    assert delivery.send_now([plan.fan.pk]) == 0
    assert delivery.sweep(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 0
    assert len(smtp_server.wait_for(1)) == 1


def test_batched_items_go_as_one_email_after_the_hour(plan: Plan, smtp_server: Inbox) -> None:
    w = plan.world
    for value in (2, 3, 4):
        record_check_in(actor=w.owner, key_result=plan.key_result, value=value, confidence=6)
    assert Notification.objects.filter(email_state=EmailState.BATCHED).count() == 3
    assert delivery.send_batches() == 0  # not an hour yet
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
    assert delivery.send_batches(now=later) == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "3 updates in Goalkeeper"
    text, html = parts(message)
    assert text.count("Owen Owner checked in on Sign 10 customers") == 3
    assert "Open your inbox" in html
    assert delivery.send_batches(now=later) == 0


def test_nothing_is_emailed_to_someone_who_stopped_every_email(
    plan: Plan, smtp_server: Inbox
) -> None:
    services.unsubscribe(person=plan.fan, kind="all")
    services.notify(
        workspace_id=plan.world.acme.pk,
        people=[plan.fan.pk],
        kind="mention",
        title="Hello",
        url="/inbox/",
    )
    assert Notification.objects.get().email_state == EmailState.NONE
    assert delivery.send_now([plan.fan.pk]) == 0
    assert smtp_server.messages == []


def test_a_refused_send_is_marked_failed_not_retried_in_a_loop(
    plan: Plan, settings: object
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
    settings.EMAIL_PORT = 9  # type: ignore[attr-defined]  # discard: nothing listens
    settings.EMAIL_TIMEOUT = 2  # type: ignore[attr-defined]
    services.notify(
        workspace_id=plan.world.acme.pk,
        people=[plan.fan.pk],
        kind="mention",
        title="Hello",
        url="/inbox/",
    )
    assert delivery.send_now([plan.fan.pk]) == 0
    assert Notification.objects.get().email_state == EmailState.FAILED
