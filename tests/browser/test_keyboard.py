"""The main journeys with the keyboard only (Tab, Shift+Tab, Enter, Space, Escape), on the
demo company: log in, open an objective from the board, fold its key results, check in on a
key result, open and close a menu, add a KPI value. Wherever the focus goes on the way, it is
visible (docs/accessibility.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from goalkeeper.demo.services import ADMIN_EMAIL
from tests.browser.conftest import DESKTOP
from tests.browser.served_demo import DEMO_PASSWORD, Served, demo_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("accessibility")]

# How far a journey may have to Tab to reach a control (the sidebar and filters come first).
MAX_TABS = 120

# The focused element shows a ring: an outline or a box shadow (the :focus-visible rule of
# app.css, or a field's own :focus style).
FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    // Past the last control the focus goes to the browser's own controls (the body here).
    if (!el || el === document.body) return "";
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
    if (ring) return "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + " class='" + (el.getAttribute("class") || "") + "'";
    return name + " (" + (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 60)
        + ") has no visible focus";
}"""


def focus_problem(page: Page) -> str:
    return str(page.evaluate(FOCUS_SHOWN))


def tab_to(page: Page, target: Locator, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; every stop shows its focus."""
    target.wait_for()
    if target.evaluate("el => el === document.activeElement"):
        return
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        problem = focus_problem(page)
        assert not problem, problem
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{target} was not reached with {MAX_TABS} presses of {key}")


@pytest.fixture(scope="module")
def keyboard_page(browser: Browser, demo: Served) -> Iterator[Page]:
    """One browser tab for the module's journeys, logged in with the keyboard by the first."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def logged_in(keyboard_page: Page, demo: Served) -> Page:
    page = keyboard_page
    page.goto(f"{demo.url}/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(ADMIN_EMAIL)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo.url}/")
    return page


def test_a_person_logs_in_with_the_keyboard(logged_in: Page, demo: Served) -> None:
    expect(logged_in).to_have_url(f"{demo.url}/")
    expect(logged_in.get_by_role("heading", level=1)).to_be_visible()


def test_an_objective_row_folds_and_opens_its_objective_by_keyboard(
    logged_in: Page, demo: Served
) -> None:
    page = logged_in
    objective = demo.ids["objective"]
    page.goto(f"{demo.url}/objectives/cycle/{demo.ids['cycle']}/")
    row = page.locator(f'.objective[data-objective-id="{objective}"]').first
    toggle = row.locator("[data-objective-toggle]")
    body = row.locator(".objective__body")
    expect(body).to_be_hidden()

    tab_to(page, toggle)
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(body).to_be_visible()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(body).to_be_hidden()

    tab_to(page, row.locator("a.objective__title"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo.url}/objectives/{objective}/")
    expect(page.locator(f'[data-kr-row="{demo.ids["key_result"]}"]').first).to_be_visible()


def test_a_check_in_is_made_with_the_keyboard_and_the_focus_comes_back(
    logged_in: Page, demo: Served
) -> None:
    page = logged_in
    key_result = demo.ids["measured_key_result"]
    page.goto(f"{demo.url}/objectives/{demo.ids['measured_objective']}/")
    check_in = page.locator(f'[data-check-in-open="{key_result}"]').first

    tab_to(page, check_in)
    page.keyboard.press("Enter")
    form = page.locator(f'[data-kr-form="{key_result}"]')
    # The form takes the place of the row, the focus in its first field.
    expect(form.get_by_label(re.compile("^New value"))).to_be_focused()
    assert not focus_problem(page), focus_problem(page)
    page.keyboard.press("Control+a")
    page.keyboard.type("1234")
    page.keyboard.press("Enter")

    expect(page.locator("#live-region")).to_contain_text("Check-in saved", timeout=20_000)
    expect(page.locator(f'[data-kr-row="{key_result}"]').first).to_contain_text("1,234")
    # The focus is back on the row (its "Check in" link), visible.
    expect(page.locator(f'[data-check-in-open="{key_result}"]').first).to_be_focused()
    assert not focus_problem(page), focus_problem(page)


def test_a_key_result_menu_opens_and_closes_with_the_keyboard(
    logged_in: Page, demo: Served
) -> None:
    page = logged_in
    page.goto(f"{demo.url}/objectives/{demo.ids['measured_objective']}/")
    row = page.locator(f'[data-kr-row="{demo.ids["measured_key_result"]}"]').first
    menu = row.locator("details.kr-more")
    toggle = menu.locator("summary")

    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    first = menu.locator(".kr-more__panel").locator("a, button").first
    tab_to(page, first)
    page.keyboard.press("Escape")

    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()
    # Shift+Tab walks back out of the row with the focus still shown.
    page.keyboard.press("Shift+Tab")
    assert not focus_problem(page), focus_problem(page)


def test_a_kpi_value_is_added_with_the_keyboard(logged_in: Page, demo: Served) -> None:
    page = logged_in
    page.goto(f"{demo.url}/kpis/{demo.ids['kpi']}/")
    tab_to(page, page.get_by_test_id("values-link"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/values/$"))

    tab_to(page, page.get_by_label("Value", exact=True))
    page.keyboard.type("42")
    tab_to(page, page.get_by_test_id("save-value"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").or_(page.locator(".messages")).first).to_contain_text(
        re.compile("written|saved", re.IGNORECASE)
    )
