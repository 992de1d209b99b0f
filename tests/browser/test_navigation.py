"""Navigation in a real browser (docs/navigation.md): the user menu by keyboard, the theme
switch, the command palette (Ctrl+K and "/"), the admin tabs and the phone-width menu."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import User
from goalkeeper.okrs.services import create_key_result, create_objective
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_user_menu_opens_and_closes_by_keyboard(
    admin_page: Page, console_errors: list[str]
) -> None:
    page = admin_page
    toggle = page.get_by_test_id("user-menu")
    profile = page.get_by_test_id("menu-profile")
    expect(profile).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(profile).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(profile).to_be_focused()
    page.keyboard.press("Escape")

    expect(profile).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press(" ")
    expect(profile).to_be_visible()
    page.keyboard.press("Escape")
    expect(profile).to_be_hidden()
    assert console_errors == []


def test_the_theme_switch_changes_the_page_and_is_kept(
    admin_page: Page, live_server: LiveServer, world: World
) -> None:
    page = admin_page
    html = page.locator("html")
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("theme-dark").click()

    expect(html).to_have_attribute("data-theme", "dark")
    page.goto(f"{live_server.url}/kpis/")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(14, 17, 23)"
    assert User.objects.get(pk=world.admin.user_id).theme == "dark"

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("theme-system").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    expect(page.locator("html")).not_to_have_attribute("data-theme", re.compile(".*"))


def test_ctrl_k_finds_a_key_result_and_enter_opens_it(
    page: Page, live_server: LiveServer, world: World, console_errors: list[str]
) -> None:
    objective = create_objective(
        actor=world.admin, cycle=world.cycle, team=world.sales, title="Grow the pipeline"
    )
    key_result = create_key_result(
        actor=world.admin,
        objective=objective,
        title="Qualified leads per week",
        kind="increase",
        start=10,
        target=40,
    )
    log_in(page, live_server.url, world.viewer.user.email)

    page.keyboard.press("Control+k")
    field = page.get_by_test_id("palette-input")
    expect(field).to_be_focused()
    page.keyboard.type("qualified")
    option = page.get_by_role("option", name=re.compile("Qualified leads per week"))
    expect(option).to_be_visible(timeout=15_000)
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    expect(page).to_have_url(
        re.compile(rf"/objectives/{objective.pk}/#kr-{key_result.pk}$"), timeout=15_000
    )
    expect(page.get_by_role("heading", name="Grow the pipeline")).to_be_visible()
    assert console_errors == []


def test_slash_opens_the_palette_and_escape_gives_the_focus_back(
    admin_page: Page, live_server: LiveServer
) -> None:
    page = admin_page
    palette = page.locator("dialog[data-palette]")

    page.keyboard.press("/")
    expect(palette).to_be_visible()
    expect(page.get_by_test_id("palette-input")).to_be_focused()
    # Navigation and actions are offered before anything is typed; arrows move.
    expect(page.get_by_role("option", name="KPIs")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()

    # "/" typed into a field is a character, not the palette.
    page.goto(f"{live_server.url}/search/")
    page.get_by_test_id("search-q").fill("a/b")
    expect(palette).to_be_hidden()


def test_the_admin_tabs_reach_webhooks(admin_page: Page, live_server: LiveServer) -> None:
    page = admin_page
    page.get_by_role("link", name="Admin").click()
    tabs = page.get_by_test_id("admin-tabs")
    expect(tabs.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")

    tabs.get_by_role("link", name="Webhooks").click()

    expect(page).to_have_url(f"{live_server.url}/admin/webhooks/")
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    expect(
        page.get_by_test_id("admin-tabs").get_by_role("link", name="Webhooks")
    ).to_have_attribute("aria-current", "page")


def test_the_menu_works_at_phone_width(
    admin_page: Page, live_server: LiveServer, screenshot_dir: Path
) -> None:
    page = admin_page
    page.set_viewport_size(MOBILE)
    page.get_by_role("button", name="Menu").click()
    page.get_by_test_id("user-menu").click()
    profile = page.get_by_test_id("menu-profile")
    expect(profile).to_be_visible()
    expect(page.get_by_test_id("theme-system")).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "user-menu-phone.png")

    profile.click()

    expect(page).to_have_url(f"{live_server.url}/me/")
    expect(page.get_by_test_id("profile-email")).to_have_text("ada@acme.test")
