"""Check in on everything in Chromium: five key results from one page with the keyboard only,
and the page at phone width."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import CheckIn, KeyResult
from goalkeeper.okrs.services import create_key_result, record_check_in
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)


@pytest.fixture
def results(world: World) -> list[KeyResult]:
    """Six key results of Eddie's, in page order, in a cycle around today (the live server
    reads the real clock); the first checked in last week."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    ship = factories.objective(world.cycle, world.sales, "Ship the app", owner=world.editor)
    made = []
    for objective, title, kind, unit in [
        (grow, "Qualified leads", "increase", "leads"),
        (grow, "Signed deals", "increase", ""),
        (grow, "Demos given", "increase", ""),
        (ship, "App in the stores", "milestone", ""),
        (ship, "Crash-free sessions", "increase", "%"),
        (ship, "Five-star reviews", "increase", ""),
    ]:
        numbers = {"start": 0.0, "target": 100.0} if kind == "increase" else {}
        made.append(
            create_key_result(
                actor=world.editor,
                objective=objective,
                title=title,
                kind=kind,
                unit=unit,
                owner=world.editor,
                **numbers,
            )
        )
    record_check_in(
        actor=world.editor,
        key_result=made[0],
        value=40,
        confidence=5,
        note="Trade fair next week",
        at=timezone.now() - 8 * DAY,
    )
    return made


def test_five_check_ins_from_one_page_with_the_keyboard_only(
    page: Page,
    live_server: LiveServer,
    world: World,
    results: list[KeyResult],
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/check-in/")
    leads, deals, demos, launched, crash_free, reviews = results
    expect(page.locator(f"#check-in-{leads.pk}")).to_contain_text("40 leads")
    expect(page.locator(f"#check-in-{leads.pk}")).to_contain_text("Trade fair next week")
    page.screenshot(path=screenshot_dir / "check-in-all-desktop.png", full_page=True)
    # The first row's value has the focus: type, Tab to confidence, type, Enter.
    expect(page.locator(f"#bulk-value-{leads.pk}")).to_be_focused()
    keys = page.keyboard

    def saved(key_result: KeyResult) -> None:
        expect(page.locator(f"#check-in-{key_result.pk}")).to_have_attribute(
            "data-row-state", "updated"
        )

    keys.type("55")
    keys.press("Tab")
    keys.type("7")
    keys.press("Enter")
    saved(leads)
    expect(page.locator(f"#bulk-value-{deals.pk}")).to_be_focused()
    keys.type("4")
    keys.press("Enter")
    saved(deals)
    # The focus moves once htmx has settled the saved row: wait for it before typing on.
    expect(page.locator(f"#bulk-value-{demos.pk}")).to_be_focused()
    keys.type("12")
    keys.press("Tab")
    keys.type("6")
    keys.press("Tab")
    keys.type("Two webinars")
    keys.press("Enter")
    saved(demos)
    # A milestone: Space ticks "done", Enter saves.
    expect(page.locator(f"#check-in-{launched.pk} input[name=done]")).to_be_focused()
    keys.press("Space")
    keys.press("Enter")
    saved(launched)
    expect(page.locator(f"#bulk-value-{crash_free.pk}")).to_be_focused()
    keys.type("99.5")
    keys.press("Enter")
    saved(crash_free)
    # Nothing to report on the last one: Escape leaves it unchanged.
    expect(page.locator(f"#bulk-value-{reviews.pk}")).to_be_focused()
    keys.press("Escape")

    summary = page.get_by_test_id("bulk-summary")
    expect(summary).to_contain_text("5 updated, 1 unchanged")
    expect(page.locator("[data-bulk-home]")).to_be_focused()
    assert CheckIn.objects.filter(author=world.editor).count() == 1 + 5
    assert KeyResult.objects.get(pk=leads.pk).confidence == 7
    assert KeyResult.objects.get(pk=demos.pk).current == 12
    assert KeyResult.objects.get(pk=launched.pk).done is True
    assert CheckIn.objects.filter(key_result=demos).get().note == "Two webinars"
    assert not CheckIn.objects.filter(key_result=reviews).exists()
    page.screenshot(path=screenshot_dir / "check-in-all-done-desktop.png", full_page=True)
    assert console_errors == []


def test_the_page_at_phone_width_stacks_its_rows(
    page: Page,
    live_server: LiveServer,
    world: World,
    results: list[KeyResult],
    screenshot_dir: Path,
) -> None:
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/check-in/")

    row = page.locator(f"#check-in-{results[0].pk}")
    value = page.locator(f"#bulk-value-{results[0].pk}")
    expect(value).to_be_visible()
    box = value.bounding_box()
    assert box is not None
    assert box["height"] >= 40
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert row.bounding_box()["width"] <= MOBILE["width"]  # type: ignore[index]
    page.screenshot(path=screenshot_dir / "check-in-all-phone.png", full_page=True)
