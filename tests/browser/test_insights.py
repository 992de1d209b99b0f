"""Insights in a browser: the charts draw, the team picker changes the scope, a chart's
table opens from the keyboard; desktop and phone screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from tests.browser.conftest import MOBILE, log_in, pick
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def settled(page: Page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def charts_drawn(page: Page) -> None:
    """Every chart of the page has its drawing (ECharts renders SVG)."""
    charts = page.locator("[data-insight-chart]")
    expect(charts.first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-insight-chart]')]"
        ".every((e) => e.querySelector('svg'))"
    )


@pytest.fixture
def objectives(world: World) -> None:
    grow = create_objective(
        actor=world.admin, cycle=world.cycle, team=world.company, title="Grow", owner=world.admin
    )
    revenue = create_key_result(
        actor=world.admin, objective=grow, title="Revenue", kind="increase", start=0, target=100
    )
    record_check_in(actor=world.admin, key_result=revenue, value=30, confidence=6)
    deals = create_objective(
        actor=world.admin,
        cycle=world.cycle,
        team=world.sales,
        title="Win deals",
        owner=world.editor,
        parent=grow,
    )
    won = create_key_result(
        actor=world.admin, objective=deals, title="Deals won", kind="increase", start=0, target=10
    )
    record_check_in(actor=world.editor, key_result=won, value=1, confidence=4)


def test_insights_switch_team_and_open_a_table_with_the_keyboard(
    page: Page,
    live_server: LiveServer,
    world: World,
    objectives: None,
    console_errors: list[str],
    screenshot_dir: Path,
) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/insights/")
    expect(page.get_by_test_id("insights-team")).to_have_text("Acme")
    charts_drawn(page)
    page.screenshot(path=screenshot_dir / "insights-desktop.png", full_page=True)

    pick(page, "Team", "Sal", "Sales")
    page.wait_for_url(re.compile(rf"team={world.sales.pk}"))
    expect(page.get_by_test_id("insights-team")).to_have_text("Sales")
    expect(page.get_by_test_id("insights-path")).to_contain_text("Acme")
    charts_drawn(page)
    settled(page)

    table = page.locator("#insight-pace-table")
    summary = table.locator("summary")
    summary.focus()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(table).to_have_attribute("open", "")
    expect(table.get_by_role("table")).to_be_visible()
    expect(table.get_by_role("rowheader", name="On track")).to_be_visible()
    assert console_errors == []


def test_insights_on_a_phone(
    page: Page,
    live_server: LiveServer,
    world: World,
    objectives: None,
    console_errors: list[str],
    screenshot_dir: Path,
) -> None:
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/insights/")
    charts_drawn(page)
    # Charts stack: nothing is wider than the screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"]
    page.screenshot(path=screenshot_dir / "insights-phone.png", full_page=True)
    assert console_errors == []
