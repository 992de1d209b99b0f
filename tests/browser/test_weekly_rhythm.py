"""The weekly rhythm end to end: Monday's reminder fills the inbox and the personal digest
arrives by email; the digest's link opens the page of every key result, five check-ins are
made with the keyboard only, and the inbox empties by itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.digests import sending
from goalkeeper.domain.rhythm import week_of
from goalkeeper.notifications.models import Notification
from goalkeeper.okrs.models import CheckIn, KeyResult
from goalkeeper.okrs.services import create_key_result, record_check_in
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.digests.conftest import DIGEST_HEADER
from tests.mailserver import Inbox, parts, smtp_server  # noqa: F401 - a fixture
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)


@pytest.fixture
def waiting(world: World) -> list[KeyResult]:
    """Five key results of Eddie's, none checked in this week."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    made = [
        create_key_result(
            actor=world.editor,
            objective=grow,
            title=title,
            kind="increase",
            unit=unit,
            owner=world.editor,
            start=0.0,
            target=100.0,
        )
        for title, unit in [
            ("Qualified leads", "leads"),
            ("Signed deals", ""),
            ("Demos given", ""),
            ("Crash-free sessions", "%"),
            ("Five-star reviews", ""),
        ]
    ]
    record_check_in(
        actor=world.editor, key_result=made[0], value=40, confidence=5, at=timezone.now() - 9 * DAY
    )
    return made


def test_the_digest_link_leads_to_five_keyboard_check_ins_and_an_empty_inbox(
    page: Page,
    live_server: LiveServer,
    world: World,
    waiting: list[KeyResult],
    smtp_server: Inbox,  # noqa: F811 - the fixture imported above
    settings: object,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    settings.SITE_URL = live_server.url  # type: ignore[attr-defined]
    now = timezone.now()
    sending.run_round(world.acme, ["reminder", "personal"], week_of(now, world.acme.zone), now)
    mail = [m for m in smtp_server.wait_for(2) if "eddie@" in str(m["To"])]
    assert sorted(m[DIGEST_HEADER] for m in mail) == ["personal", "reminder"]
    (digest,) = [m for m in mail if m[DIGEST_HEADER] == "personal"]
    text, html = parts(digest)
    assert "Qualified leads" in text
    link = re.search(r'href="([^"]+/check-in/)"', html)
    assert link is not None, html
    assert (
        Notification.objects.filter(
            person=world.editor, kind="check_in_due", done_at__isnull=True
        ).count()
        == 5
    )

    log_in(page, live_server.url, world.editor.user.email)
    expect(page.get_by_test_id("inbox-count")).to_contain_text("5")
    page.goto(link.group(1))
    keys = page.keyboard
    for number, key_result in enumerate(waiting):
        expect(page.locator(f"#bulk-value-{key_result.pk}")).to_be_focused()
        keys.type(str(50 + number))
        keys.press("Tab")
        keys.type("7")
        keys.press("Enter")
        expect(page.locator(f"#check-in-{key_result.pk}")).to_have_attribute(
            "data-row-state", "updated"
        )
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("5 updated, 0 unchanged")
    # Each check-in cleared its reminder item: the navigation's count followed.
    expect(page.get_by_test_id("inbox-count")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "rhythm-checked-in.png", full_page=True)
    assert CheckIn.objects.filter(author=world.editor).count() == 1 + 5

    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_text("You are all caught up")).to_be_visible()
    expect(page.get_by_test_id("inbox-count")).to_be_hidden()
    page.set_viewport_size(MOBILE)
    page.screenshot(path=screenshot_dir / "rhythm-inbox-empty-phone.png", full_page=True)
    assert console_errors == []
