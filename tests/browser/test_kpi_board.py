"""The KPI board in Chromium: search as you type, sort, the table view, pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.board import CARDS_PAGE_SIZE
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import refresh_figures
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def company_kpis(world: World) -> None:
    """A page and a half of KPIs, two of them about churn."""
    names = [f"Pipeline {index:02d}" for index in range(CARDS_PAGE_SIZE + 10)]
    names += ["Churn rate", "Churn in the first month"]
    Kpi.objects.bulk_create(
        Kpi(workspace=world.acme, team=world.sales, owner=world.editor, name=name, target=10.0)
        for name in names
    )
    refresh_figures(due_only=True)


def test_search_sort_table_and_pages_work_in_the_browser(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    company_kpis(world)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/kpis/")
    tiles = page.get_by_test_id("kpi-tile")
    expect(tiles).to_have_count(CARDS_PAGE_SIZE)
    page.screenshot(path=str(screenshot_dir / "kpi-board-desktop.png"), full_page=False)

    # Pages: the second one holds the rest, and the address says where we are.
    page.get_by_test_id("page-next").click()
    expect(tiles).to_have_count(12)
    expect(page).to_have_url(f"{live_server.url}/kpis/?page=2")

    # Search as you type: no button pressed, the results follow.
    page.get_by_test_id("kpi-search").fill("churn")
    expect(tiles).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/kpis/?q=churn")
    expect(page.get_by_test_id("kpi-search")).to_be_focused()

    # Sort by name, then switch to the table: both land in the address.
    page.get_by_test_id("sort").select_option("name")
    expect(tiles.first).to_contain_text("Churn in the first month")
    page.get_by_text("Table", exact=True).click()
    rows = page.get_by_test_id("kpi-row")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/kpis/?q=churn&sort=name&view=table")
    page.screenshot(path=str(screenshot_dir / "kpi-board-table-desktop.png"), full_page=False)

    # Nothing matches: the board says what to do.
    page.get_by_test_id("kpi-search").fill("zebra")
    expect(page.get_by_text("No KPI matches “zebra”")).to_be_visible()
    page.get_by_role("link", name="Clear the search").click()
    expect(rows).to_have_count(CARDS_PAGE_SIZE + 12 if CARDS_PAGE_SIZE + 12 <= 100 else 100)

    # A reload keeps the view: it lives in the address.
    page.reload()
    expect(page.get_by_test_id("kpi-table")).to_be_visible()

    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/kpis/")
    expect(tiles).to_have_count(CARDS_PAGE_SIZE)
    page.screenshot(path=str(screenshot_dir / "kpi-board-phone.png"), full_page=False)
    page.goto(f"{live_server.url}/kpis/?view=table")
    page.screenshot(path=str(screenshot_dir / "kpi-board-table-phone.png"), full_page=False)
    assert errors == []
