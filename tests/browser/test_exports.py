"""Exports in Chromium: a filtered board to Excel at once, and a large list prepared in the
background, followed on the Exports page until it is done and downloaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.exports.models import Export
from goalkeeper.exports.services.running import run_export
from goalkeeper.notifications.models import Notification
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.exports.conftest import FORMULA_TITLE, build_company, read_csv, read_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page: Page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


@pytest.fixture(autouse=True)
def exports_dir(settings: Any, tmp_path: Path) -> None:
    settings.EXPORTS_DIR = tmp_path / "exports"


def test_a_filtered_board_exports_its_objectives_to_excel(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    company = build_company(world)
    log_in(page, live_server.url, world.viewer.user.email)
    page.goto(f"{live_server.url}/objectives/cycle/{world.cycle.pk}/")
    page.get_by_label("Team", exact=True).select_option(str(company.support.pk))
    expect(page).to_have_url(re.compile(f"team={company.support.pk}"))
    settled(page)
    shown = page.locator("#board-results .objective__title")
    expect(shown).to_have_count(2)
    titles = set(shown.all_inner_texts())

    page.get_by_test_id("export-menu").locator("summary").click()
    page.screenshot(path=str(screenshot_dir / "exports-board-menu-desktop.png"))
    with page.expect_download() as download:
        page.get_by_test_id("export-objectives-xlsx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(".xlsx")
    rows = read_xlsx(saved.read_bytes())
    exported = {str(row["Objective"]) for row in rows}
    # The formula-looking title is written as text: a leading quote, then the title.
    assert {t.removeprefix("'") for t in exported} == titles
    assert "'" + FORMULA_TITLE in exported
    assert len(rows) == 2

    # On a phone the menu opens under its button, inside the screen.
    page.set_viewport_size(MOBILE)
    page.reload()
    page.get_by_test_id("export-menu").locator("summary").click()
    page.get_by_test_id("export-menu").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "exports-board-menu-mobile.png"))
    box = page.locator(".export-menu__panel").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= MOBILE["width"]
    assert errors == []


def test_a_large_export_shows_its_progress_until_it_can_be_downloaded(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.EXPORT_INLINE_MAX_ROWS = 3
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    company = build_company(world)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/kpis/{company.latency.pk}/")
    page.get_by_test_id("export-menu").locator("summary").click()
    page.screenshot(path=str(screenshot_dir / "exports-kpi-menu-desktop.png"))
    page.get_by_test_id("export-measurements-csv").click()
    page.wait_for_url(f"{live_server.url}/exports/?started=*")
    row = page.get_by_test_id("export-row")
    expect(row).to_have_attribute("data-state", "queued")
    expect(page.get_by_test_id("export-state")).to_have_text("Queued")
    page.screenshot(path=str(screenshot_dir / "exports-queued-desktop.png"))

    # The worker carries it out; the page follows by itself.
    export = Export.objects.get()
    run_export(export.pk)
    expect(row).to_have_attribute("data-state", "done", timeout=15_000)
    expect(page.get_by_test_id("export-state")).to_contain_text("38 rows")
    page.screenshot(path=str(screenshot_dir / "exports-done-desktop.png"))
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = read_csv(saved.read_bytes())
    assert len(rows) == 38
    assert {r["KPI"] for r in rows} == {"Latency"}

    # The inbox item that said it was ready is cleared by the download.
    ready = Notification.objects.get(kind="export_ready", person=world.editor)
    assert ready.done_at is not None
    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=str(screenshot_dir / "exports-mobile.png"), full_page=True)
    assert errors == []
