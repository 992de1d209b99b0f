"""A person logs in, sees the active cycle's objectives and logs out, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_objectives(world: World) -> None:
    now = timezone.now()
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    factories.key_result(
        grow, "Qualified leads", target=200, unit="leads", check_ins=[(120, now)], confidence=7
    )
    factories.key_result(grow, "Signed deals", target=10, check_ins=[(4, now)], confidence=5)
    factories.objective(world.cycle, world.company, "Be the reference", owner=world.admin)
    delight = factories.objective(
        world.cycle, world.company, "Delight customers", owner=world.admin
    )
    factories.key_result(delight, "Net promoter score", target=50, check_ins=[(20, now)])


def test_log_in_see_the_cycle_and_log_out(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    add_objectives(world)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    expect(page.get_by_label("Email")).to_be_focused()
    page.screenshot(path=screenshot_dir / "login-desktop.png")

    log_in(page, live_server.url, world.editor.user.email)

    expect(page.get_by_test_id("cycle-name")).to_have_text("2026-Q4")
    expect(page.get_by_test_id("person-name")).to_have_text("Eddie Editor")
    # My objective comes unfolded, with its key results.
    row = page.locator("#mine .objective", has_text="Grow the pipeline")
    expect(row.get_by_role("progressbar", name="Objective progress")).to_be_visible()
    expect(row.locator(".objective__summary .progress__label")).to_have_text("50%")
    expect(row.get_by_text("Qualified leads")).to_be_visible()
    # The company's objectives come folded, below.
    empty = page.locator("#teams .objective", has_text="Be the reference")
    expect(empty.locator(".objective__summary .progress__label")).to_have_text("-")
    expect(page.get_by_text("Net promoter score")).to_be_hidden()
    page.get_by_role("button", name="Key results of Delight customers").click()
    expect(page.get_by_text("Net promoter score")).to_be_visible()
    page.screenshot(path=screenshot_dir / "home-desktop.png", full_page=True)
    assert page.evaluate("typeof window.htmx") == "object"
    assert console_errors == []

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    expect(page).to_have_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")


def test_bad_credentials_keep_the_person_on_the_login_page(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(world.admin.user.email)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("Password")).to_be_focused()


def test_the_keyboard_reaches_the_skip_link_first(admin_page: Page) -> None:
    admin_page.keyboard.press("Tab")

    expect(admin_page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_on_a_phone_the_navigation_opens_from_the_menu_button(
    admin_page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    add_objectives(world)
    admin_page.set_viewport_size(MOBILE)
    admin_page.goto(f"{live_server.url}/")
    nav = admin_page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    admin_page.screenshot(path=screenshot_dir / "home-mobile.png", full_page=True)

    admin_page.get_by_role("button", name="Menu").click()

    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    admin_page.keyboard.press("Escape")
    expect(nav).to_be_hidden()


def test_the_page_has_no_horizontal_scroll_on_a_phone(
    admin_page: Page, live_server: LiveServer, world: World
) -> None:
    add_objectives(world)
    admin_page.set_viewport_size(MOBILE)
    admin_page.goto(f"{live_server.url}/")
    # My objectives come unfolded: the widest rows, the key result tables, are showing.
    expect(admin_page.locator("#mine .objective").first).to_have_class(re.compile("is-open"))

    overflow = admin_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow <= 0


def test_expand_all_opens_every_objective_and_collapses_them_again(
    page: Page, live_server: LiveServer, world: World
) -> None:
    add_objectives(world)
    log_in(page, live_server.url, world.editor.user.email)
    rows = page.locator("#teams .objective")
    button = page.get_by_role("button", name="Expand all")

    button.click()

    expect(rows.nth(0)).to_have_class(re.compile("is-open"))
    expect(rows.nth(1)).to_have_class(re.compile("is-open"))
    expect(page.locator("#teams").get_by_text("Net promoter score")).to_be_visible()
    page.get_by_role("button", name="Collapse all").click()
    expect(page.locator("#teams").get_by_text("Net promoter score")).to_be_hidden()
