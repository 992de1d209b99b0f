"""Writing an objective with its key results on one page in a real browser: by keyboard
only, with a live error that appears and clears, saved at once; and at phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import KeyResult, Objective
from tests.browser.conftest import MOBILE, log_in, pickers_ready
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 10_000  # the live validation waits for a pause in typing, then asks the server


def tab_to(page: Page, selector: str, limit: int = 25) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def open_writer(page: Page, live_server: LiveServer, world: World) -> None:
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_create')}?cycle={world.cycle.pk}")
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    pickers_ready(page)


def test_an_objective_and_three_key_results_written_by_keyboard_only(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    open_writer(page, live_server, world)
    keys = page.keyboard
    keys.type("Grow the partner channel")
    coach = page.get_by_test_id("coach")
    # The empty key result row is not counted, so the coach has nothing to say yet.
    expect(coach.get_by_test_id("coach-ok")).to_be_visible(timeout=LIVE)

    # Key result 1: a target equal to the start is refused while typing, then fixed.
    tab_to(page, "[name='kr-0-title']")
    keys.type("Partner-sourced deals")
    tab_to(page, "[name='kr-0-unit']")
    keys.type("deals")
    tab_to(page, "[name='kr-0-start']")
    keys.type("10")
    keys.press("Tab")
    keys.type("10")
    error = page.locator("#id_kr-0-target_error")
    expect(error).to_have_text("target must differ from start", timeout=LIVE)
    expect(page.get_by_test_id("problem")).to_have_text(
        "Key result 1 · Target: target must differ from start"
    )
    page.screenshot(path=screenshot_dir / "okr-writer-live-error-desktop.png", full_page=True)
    keys.press("Control+A")
    keys.type("40")
    expect(error).to_be_empty(timeout=LIVE)
    expect(page.get_by_test_id("problem")).to_have_count(0)

    # Key result 2, added with the button: the focus moves to its title.
    tab_to(page, "[data-add-row]")
    keys.press("Enter")
    expect(page.locator("[name='kr-1-title']")).to_be_focused()
    keys.type("Days to onboard a partner")
    keys.press("Tab")
    keys.press("d")  # the kind list: Decrease
    expect(page.locator("[name='kr-1-kind']")).to_have_value("decrease")
    tab_to(page, "[name='kr-1-start']")
    keys.type("30")
    keys.press("Tab")
    keys.type("10")

    # Key result 3, added by Enter in the last row's title.
    page.locator("[name='kr-1-title']").focus()
    keys.press("Enter")
    expect(page.locator("[name='kr-2-title']")).to_be_focused()
    keys.type("Partner portal live")
    keys.press("Tab")
    keys.type("mil")  # the kind list, typed ahead: Milestone, no numbers to give
    expect(page.locator("[name='kr-2-kind']")).to_have_value("milestone")
    expect(page.locator("[name='kr-2-start']")).to_be_hidden()
    expect(page.get_by_test_id("key-result-count")).to_have_text("3")

    # Ctrl+Enter saves everything at once.
    keys.press("Control+Enter")
    expect(page.get_by_test_id("objective-title")).to_have_text("Grow the partner channel")
    objective = Objective.objects.get(title="Grow the partner channel")
    rows = list(
        KeyResult.objects.filter(objective=objective)
        .order_by("position")
        .values_list("title", "kind", "start", "target")
    )
    assert rows == [
        ("Partner-sourced deals", "increase", 10, 40),
        ("Days to onboard a partner", "decrease", 30, 10),
        ("Partner portal live", "milestone", None, None),
    ]
    for title, *_ in rows:
        expect(page.get_by_text(title, exact=True).first).to_be_visible()
    assert console_errors == []


def test_rows_are_removed_and_reordered_in_the_page(
    page: Page, live_server: LiveServer, world: World
) -> None:
    open_writer(page, live_server, world)
    page.get_by_label("Title", exact=True).fill("Grow")
    page.locator("[name='kr-0-title']").fill("First")
    page.get_by_test_id("add-row").click()
    page.locator("[name='kr-1-title']").fill("Second")
    page.get_by_test_id("add-row").click()
    page.locator("[name='kr-2-title']").fill("Third")

    rows = page.get_by_test_id("kr-row")
    rows.nth(1).get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(2)
    expect(page.locator("[name='kr-2-title']")).to_be_focused()
    rows.nth(1).get_by_role("button", name="Move up").click()
    expect(rows.nth(0).locator("[data-row-number]")).to_have_text("1")
    expect(rows.nth(0).locator("input[name$='-title']")).to_have_value("Third")


def test_the_writer_at_phone_width(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    page.set_viewport_size(MOBILE)
    open_writer(page, live_server, world)
    page.get_by_label("Title", exact=True).fill("Grow the partner channel")
    page.locator("[name='kr-0-title']").fill("Partner-sourced deals")
    page.locator("[name='kr-0-start']").fill("5")
    page.locator("[name='kr-0-target']").fill("5")
    expect(page.locator("#id_kr-0-target_error")).to_have_text(
        "target must differ from start", timeout=LIVE
    )
    page.get_by_test_id("add-row").click()
    expect(page.locator("[name='kr-1-title']")).to_be_focused()
    page.screenshot(path=screenshot_dir / "okr-writer-mobile.png", full_page=True)

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
