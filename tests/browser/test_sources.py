"""Data sources in Chromium: an admin adds a CSV source to a KPI, tests it, saves it, syncs
it and watches the progress; a broken source shows in red on the list of sources."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi
from goalkeeper.sources import connection_tests, services
from goalkeeper.sources.models import ConnectionTest, DataSource, RunStatus, SourceStatus, SyncRun
from tests.browser.conftest import log_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def files(tmp_path: Path, settings: Any) -> Path:
    """A folder sources may read (the live server shares these settings)."""
    root = tmp_path / "files"
    root.mkdir()
    settings.SOURCE_FILE_ROOTS = [root]
    return root


@pytest.fixture
def no_worker() -> Iterator[None]:
    """Runs wait in the queue until the test carries them out, as a worker would."""
    before = HUEY.immediate
    HUEY.immediate = False
    yield
    HUEY.immediate = before


def days_back(count: int) -> list[dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    return [today - dt.timedelta(days=n) for n in range(count, 0, -1)]


def test_an_admin_connects_a_kpi_to_a_csv_file_and_syncs_it(
    page: Page,
    live_server: LiveServer,
    world: World,
    files: Path,
    no_worker: None,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    kpi = create_kpi(
        actor=None,
        team=world.sales,
        name="Signed deals",
        target=10,
        frequency="daily",
        owner=world.editor,
    )
    path = files / "deals.csv"
    days = days_back(12)
    path.write_text(
        "date,deals\n" + "".join(f"{day.isoformat()},{8 + n % 5}\n" for n, day in enumerate(days))
    )
    log_in(page, live_server.url, world.admin.user.email)

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    page.get_by_test_id("add-source").click()
    expect(page.get_by_role("heading", name="Add a data source")).to_be_visible()
    # The kind buttons ask htmx for their fields: a change before htmx has loaded (a slow
    # machine shows the heading first) would ask nothing.
    page.wait_for_load_state("load")
    page.get_by_label("CSV file", exact=True).check()
    page.get_by_label("File path or URL").fill(str(path))
    page.get_by_label("Value column").fill("deals")
    page.get_by_role("button", name="Hourly").click()
    expect(page.get_by_label("Sync every (minutes)")).to_have_value("60")

    page.get_by_test_id("test-connection").click()
    # The worker reads the source; the page polls until it has.
    expect(page.get_by_test_id("preview-pending")).to_be_visible()
    connection_tests.execute(ConnectionTest.objects.get().pk)
    preview = page.get_by_test_id("preview-rows")
    expect(preview).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(page.get_by_test_id("preview")).to_contain_text("Nothing was saved.")
    assert not DataSource.objects.exists()
    page.screenshot(path=str(screenshot_dir / "sources-test-connection.png"), full_page=True)

    page.get_by_test_id("save-source").click()
    page.wait_for_url(f"{live_server.url}/kpis/{kpi.pk}/source/")
    expect(page.get_by_text("Data source saved.")).to_be_visible()
    expect(page.get_by_test_id("source-status")).to_contain_text("Not run yet")
    source = DataSource.objects.get(kpi=kpi)
    assert source.interval_minutes == 60

    page.get_by_test_id("sync-now").click()
    progress = page.get_by_test_id("sync-progress")
    expect(progress).to_contain_text("Waiting for a worker")
    page.screenshot(path=str(screenshot_dir / "sources-sync-progress.png"), full_page=True)

    run = SyncRun.objects.get(source=source)
    services.execute(run.pk)  # the worker's part

    expect(page.get_by_test_id("sync-result")).to_have_text("12 new, 0 updated")
    expect(page.get_by_test_id("source-status")).to_contain_text("Healthy")
    history = page.get_by_test_id("run-history")
    expect(history.locator('tr[data-status="succeeded"]')).to_have_count(1)
    expect(history).to_contain_text("by Ada Admin")
    assert Measurement.objects.filter(kpi=kpi).count() == 12
    page.screenshot(path=str(screenshot_dir / "sources-synced.png"), full_page=True)

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    card = page.get_by_test_id("kpi-source")
    expect(card).to_contain_text("Healthy")
    expect(card).to_contain_text("last synced just now")
    card.screenshot(path=str(screenshot_dir / "sources-kpi-card.png"))
    assert console_errors == []


def test_a_broken_source_is_red_on_the_list_and_on_its_owners_home(
    page: Page,
    live_server: LiveServer,
    world: World,
    files: Path,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    ok_path = files / "ok.csv"
    ok_path.write_text("date,value\n2026-11-01,3\n")
    healthy = create_kpi(actor=None, team=world.sales, name="Active users", target=10)
    broken = create_kpi(
        actor=None, team=world.sales, name="Newsletter subscribers", target=10, owner=world.editor
    )
    for kpi, location in ((healthy, ok_path), (broken, files / "gone.csv")):
        configuration = services.configure(kpi=kpi, kind="csv", values={"location": str(location)})
        services.create_source(actor=world.admin, kpi=kpi, configuration=configuration)
    for source in DataSource.objects.all():
        for _ in range(3 if source.kpi_id == broken.pk else 1):
            run = services.request_sync(actor=None, source=source, trigger="cli")
            services.execute(run.pk)
    assert DataSource.objects.get(kpi=broken).status == SourceStatus.BROKEN
    assert SyncRun.objects.filter(status=RunStatus.FAILED).count() == 3

    log_in(page, live_server.url, world.editor.user.email)
    attention = page.get_by_test_id("broken-sources")
    expect(attention).to_contain_text("Data source of Newsletter subscribers is broken")
    page.screenshot(path=str(screenshot_dir / "sources-home-attention.png"), full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data sources").click()
    rows = page.get_by_test_id("sources").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-status", "broken")
    expect(rows.first).to_have_attribute("data-tone", "red")
    expect(rows.first).to_contain_text("Newsletter subscribers")
    expect(rows.first).to_contain_text("Broken")
    # The row is tinted red: the design's red, not merely a word.
    # The page's own stylesheet may still be loading: the assertion waits for it.
    expect(rows.first.locator("td").first).not_to_have_css(
        "background-color", re.compile(r"^(rgba\(0, 0, 0, 0\)|transparent|rgb\(255, 255, 255\))$")
    )
    page.screenshot(path=str(screenshot_dir / "sources-list.png"), full_page=True)

    rows.first.get_by_role("link", name="Newsletter subscribers").click()
    expect(page.get_by_test_id("source-broken")).to_contain_text("This source is broken")
    expect(page.locator('tr[data-status="failed"]')).to_have_count(3)
    page.screenshot(path=str(screenshot_dir / "sources-broken.png"), full_page=True)

    page.goto(f"{live_server.url}/kpis/")
    tile = page.locator(f'[data-kpi-id="{broken.pk}"]')
    expect(tile.get_by_test_id("source-broken")).to_be_visible()
    tile.screenshot(path=str(screenshot_dir / "sources-board-tile.png"))
    assert console_errors == []


def test_the_source_form_at_phone_width(
    page: Page,
    live_server: LiveServer,
    world: World,
    files: Path,
    screenshot_dir: Path,
) -> None:
    kpi: Kpi = create_kpi(actor=None, team=world.sales, name="Signed deals", target=10)
    log_in(page, live_server.url, world.admin.user.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/source/edit/?kind=sql")
    expect(page.get_by_label("Database URL")).to_be_visible()
    page.get_by_test_id("save-source").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Database URL")
    page.screenshot(path=str(screenshot_dir / "sources-form-mobile.png"), full_page=True)
