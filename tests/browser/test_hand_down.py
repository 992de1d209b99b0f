"""In the browser: a company key result is handed down as a team's KPI, owned by its lead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.services import create_team
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.browser.conftest import log_in, pick
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page: Page, live_server: LiveServer, world: World) -> Iterator[Page]:
    """A page logged in as the world's editor; fails the test on any script error."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, world.editor.user.email)
    yield page
    assert errors == []


def test_a_key_result_is_handed_down_as_a_teams_kpi(
    editor_page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    # Marketing sorts first under the company: the picker is used to choose Sales.
    create_team(actor=None, workspace=world.acme, name="Marketing", parent=world.company)
    objective = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=21)
    key_result = factories.key_result(
        objective,
        "Reach $600k MRR",
        start=400,
        target=600,
        unit="k$",
        check_ins=[(430, start), (470, start + dt.timedelta(days=14))],
    )
    page = editor_page
    page.goto(f"{live_server.url}/objectives/{objective.pk}/")

    page.get_by_test_id("kr-more").locator("summary").click()  # the row's "More" menu
    page.get_by_test_id("hand-down-key-result").click()
    expect(page.get_by_test_id("kr-title")).to_have_text("Reach $600k MRR")
    expect(page.get_by_test_id("plan-history")).to_contain_text(
        "The start value 400 k$ on 1 Oct 2026, then 2 check-ins copied as values"
    )
    pick(page, "Team", "Sal", "Sales")
    page.screenshot(path=str(screenshot_dir / "hand-down-plan.png"), full_page=True)
    page.get_by_test_id("hand-down").click()

    # The team's KPI, owned by its lead, with the key result's history and its origin.
    expect(page.get_by_test_id("kpi-name")).to_have_text("Reach $600k MRR")
    expect(page.get_by_text("is now a KPI of Sales, owned by Eddie Editor")).to_be_visible()
    expect(page.get_by_test_id("measurements").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("kpi-origin")).to_contain_text(
        "Handed down from Reach $600k MRR of Grow revenue"
    )
    expect(page.get_by_test_id("linked")).to_contain_text("Reach $600k MRR")
    page.screenshot(path=str(screenshot_dir / "hand-down-kpi.png"), full_page=True)
    kpi = Kpi.objects.get()
    assert (kpi.team_id, kpi.owner_id, kpi.origin_key_result_id) == (
        world.sales.pk,
        world.editor.pk,
        key_result.pk,
    )

    # The team moves its KPI; the key result one level up reads it.
    record_measurements(actor=world.editor, kpi=kpi, points=[(dt.datetime.now(dt.UTC), 512.0)])
    page.get_by_test_id("kpi-origin").get_by_role("link", name="Grow revenue").click()
    row = page.locator(f"[data-kr-row='{key_result.pk}']").first
    expect(row.get_by_test_id("handed-down-to")).to_contain_text("Handed down to Sales")
    expect(row).to_contain_text("Reach $600k MRR")
    expect(row).to_contain_text("512")
    expect(row.get_by_test_id("hand-down-key-result")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "hand-down-objective.png"), full_page=True)


def test_a_key_result_is_driven_by_a_ratio_of_two_kpis(
    editor_page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    revenue = create_kpi(actor=world.editor, team=world.sales, name="Revenue", target=1)
    customers = create_kpi(actor=world.editor, team=world.sales, name="Customers", target=1)
    record_measurements(actor=world.editor, kpi=revenue, points=[(now, 600_000.0)])
    record_measurements(actor=world.editor, kpi=customers, points=[(now, 400.0)])
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(
        objective, "Revenue per customer", start=1000, target=2000, unit="$"
    )
    page = editor_page
    page.goto(f"{live_server.url}/key-results/{key_result.pk}/edit/")

    page.get_by_test_id("drive-by-several-kpis").click()
    page.get_by_label("Formula").select_option("ratio")
    pick(page, "First KPI (numerator of a ratio)", "Reve", "Revenue")
    pick(page, "Second KPI (denominator of a ratio)", "Cust", "Customers")
    page.screenshot(path=str(screenshot_dir / "formula-page.png"), full_page=True)
    page.get_by_test_id("save-formula").click()

    expect(page.get_by_text("“Revenue per customer” reads its value from 2 KPIs.")).to_be_visible()
    row = page.locator(f"[data-kr-row='{key_result.pk}']").first
    expect(row.get_by_test_id("kpi-formula")).to_have_text("Ratio of two KPIs")
    expect(row).to_contain_text("1,500")
    # Read from KPIs, it is no longer offered as a KPI of its own.
    expect(row.get_by_test_id("hand-down-key-result")).to_have_count(0)
    expect(row.get_by_test_id("promote-key-result")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "formula-objective.png"), full_page=True)
