"""Reminders and digests reach a real SMTP server and read back right."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import Resolver404, resolve

from goalkeeper.digests import sending
from goalkeeper.domain.rhythm import week_of
from tests.digests.conftest import DIGEST_HEADER, build_rhythm
from tests.mailserver import parts

BUILT = dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
SITE = "https://goals.example.com"


@pytest.fixture
def delivered(db, smtp_server, settings):
    settings.SITE_URL = SITE
    with time_machine.travel(BUILT, tick=False):
        rhythm = build_rhythm()
    with time_machine.travel(MONDAY, tick=False):
        report = sending.run_round(
            rhythm.workspace, list(sending.KINDS), week_of(MONDAY, dt.UTC), MONDAY
        )
    assert report.sent == 5
    messages = smtp_server.wait_for(5)
    return rhythm, {(str(m["To"]), str(m[DIGEST_HEADER])): m for m in messages}


def hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def test_the_reminder_arrives_with_a_subject_both_parts_and_the_unsubscribe_headers(delivered):
    rhythm, messages = delivered
    message = messages[(rhythm.omar.user.email, "reminder")]
    assert message["Subject"] == "Check-in time: 2 key results waiting for you"
    assert str(message["List-Unsubscribe"]).strip().startswith(f"<{SITE}/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "Revenue in the north" in text
    assert "Revenue in the north" in html
    assert f"Check in now: {SITE}/check-in/" in text
    assert "Check in now</a>" in html
    assert 'width="600"' in html


def test_the_personal_digest_says_how_many_key_results_wait(delivered):
    rhythm, messages = delivered
    message = messages[(rhythm.omar.user.email, "personal")]
    assert message["Subject"] == "Your week in Goalkeeper: 2 key results waiting"
    text, html = parts(message)
    assert "Pipeline" in text  # the red KPI Omar owns
    assert "Red" in html


def test_every_link_is_absolute_and_opens_an_existing_page(delivered):
    _, messages = delivered
    for message in messages.values():
        text, html = parts(message)
        found = hrefs(html)
        assert found
        for href in found:
            assert href.startswith(SITE + "/"), href
            path = urlsplit(href).path
            try:
                resolve(path)
            except Resolver404:  # pragma: no cover - the assertion's message
                pytest.fail(f"{href} opens no page")
            assert href in text or "/unsubscribe/" in href


def test_the_objective_link_opens_the_objective_for_its_owner(delivered):
    rhythm, messages = delivered
    _, html = parts(messages[(rhythm.omar.user.email, "personal")])
    objective = f"{SITE}/objectives/{rhythm.objective.pk}/"
    assert objective in hrefs(html)
    client = Client()
    client.force_login(rhythm.omar.user)
    page = client.get(urlsplit(objective).path)
    assert page.status_code == 200
    assert "Win the north" in page.content.decode()


def test_the_kpi_link_opens_the_kpi_page(delivered):
    rhythm, messages = delivered
    _, html = parts(messages[(rhythm.ada.user.email, "company")])
    kpi = f"{SITE}/kpis/{rhythm.kpi.pk}/"
    assert kpi in hrefs(html)
    client = Client()
    client.force_login(rhythm.ada.user)
    assert client.get(urlsplit(kpi).path).status_code == 200


def test_the_unsubscribe_link_stops_the_next_week_s_digest(delivered):
    rhythm, messages = delivered
    message = messages[(rhythm.lena.user.email, "team")]
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert Client().post(urlsplit(link).path).status_code in (200, 302)
    nxt = MONDAY + dt.timedelta(days=7)
    with time_machine.travel(nxt, tick=False):
        report = sending.run_round(rhythm.workspace, ["team"], week_of(nxt, dt.UTC), nxt)
    assert [(o.status, o.reason) for o in report.outcomes] == [("skipped", "unsubscribed")]


def test_check_in_now_opens_the_page_with_the_waiting_key_results(delivered):
    rhythm, messages = delivered
    _, html = parts(messages[(rhythm.omar.user.email, "reminder")])
    link = f"{SITE}/check-in/"
    assert link in hrefs(html)
    client = Client()
    client.force_login(rhythm.omar.user)
    page = client.get(urlsplit(link).path).content.decode()
    assert "Revenue in the north" in page
    assert "Deals signed" in page
