"""A digest received over SMTP, opened in Chromium: it renders at desktop and phone width
without sideways scrolling, and its links open the right pages for the person."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from goalkeeper.digests import links, sending
from goalkeeper.domain.rhythm import week_of
from tests.browser.conftest import DESKTOP, MOBILE, log_in
from tests.digests.conftest import DIGEST_HEADER, build_rhythm
from tests.mailserver import Inbox, parts, smtp_server  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_personal_digest_renders_and_its_links_open_the_right_pages(
    page: Page,
    live_server: LiveServer,
    smtp_server: Inbox,  # noqa: F811 - the fixture imported above
    settings: object,
) -> None:
    settings.SITE_URL = live_server.url  # type: ignore[attr-defined]
    rhythm = build_rhythm()
    now = timezone.now()
    sending.run_round(rhythm.workspace, ["personal"], week_of(now, rhythm.workspace.zone), now)
    (message,) = [
        m
        for m in smtp_server.wait_for(2)
        if m[DIGEST_HEADER] == "personal" and "omar@" in str(m["To"])
    ]
    _, html = parts(message)

    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        page.set_content(html)
        assert page.get_by_role("link", name="Check in now").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]

    log_in(page, live_server.url, rhythm.omar.user.email)
    hrefs = sorted(set(re.findall(r'href="([^"]+)"', html)))
    opened = {}
    for href in hrefs:
        if "/unsubscribe/" in href:
            continue  # a one-click link: opening it would unsubscribe (tested by email)
        response = page.goto(href)
        assert response is not None
        assert response.status < 400, href
        opened[href] = page.title()
    objective = f"{live_server.url}/objectives/{rhythm.objective.pk}/"
    kpi = f"{live_server.url}/kpis/{rhythm.kpi.pk}/"
    assert "Win the north" in opened[objective]
    assert "Pipeline" in opened[kpi]
    assert "Check in" in opened[links.check_in_all()]
