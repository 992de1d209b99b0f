"""Data upkeep in Chromium: archive and restore a KPI, delete one after seeing its links,
correct a value and watch the figure follow, skip an upload's bad rows, and give several
KPIs and objectives a new owner from the boards (docs/kpis.md, "Upkeep")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Objective
from tests.bridges.conftest import linked_key_result
from tests.browser.conftest import log_in, pick
from tests.browser.test_kpis import months_back, write_csv
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


def monthly_kpi(world: World, name: str, values: list[float]) -> Kpi:
    """A monthly KPI (target 100) with `values` on the 15th of the last months."""
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name=name, owner=world.editor, target=100.0
    )
    days = months_back(len(values))
    points = [
        (dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC), value)
        for day, value in zip(days, values, strict=True)
    ]
    if points:
        record_measurements(actor=world.editor, kpi=kpi, points=points)
    return kpi


def test_a_kpi_is_archived_then_restored_from_the_archived_board(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpi = monthly_kpi(world, "Churn", [])
    page = editor_page

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    page.get_by_test_id("archive-kpi").click()
    page.get_by_test_id("confirm-archive").click()
    expect(page.get_by_test_id("archived-banner")).to_be_visible()

    page.goto(f"{live_server.url}/kpis/?view=table")
    expect(page.get_by_test_id("kpi-search")).to_be_visible()
    expect(page.locator(f'[data-kpi-id="{kpi.pk}"]')).to_have_count(0)

    page.get_by_test_id("filter-archived").check()
    row = page.locator(f'tr[data-kpi-id="{kpi.pk}"]')
    expect(row).to_be_visible(timeout=10_000)
    row.get_by_test_id("kpi-row-menu").locator("summary").click()
    row.get_by_test_id("row-restore").click()

    expect(page.get_by_text("“Churn” is back on the board.")).to_be_visible()
    assert Kpi.objects.get(pk=kpi.pk).archived_at is None


def test_deleting_a_kpi_shows_its_links_and_needs_its_name(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpi = monthly_kpi(world, "Pipeline", [40.0])
    key_result = linked_key_result(world, kpi)
    page = editor_page

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    page.get_by_test_id("delete-kpi").click()
    links = page.get_by_test_id("kpi-links")
    expect(links).to_contain_text("Driven (Grow)")
    expect(links).to_contain_text("They keep their last value")

    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("delete-error")).to_be_visible()
    assert Kpi.objects.filter(pk=kpi.pk).exists()

    page.get_by_label("Type the KPI's name to confirm").fill("pipeline")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_text("“Pipeline” was deleted.")).to_be_visible()
    assert not Kpi.objects.filter(pk=kpi.pk).exists()
    assert KeyResult.objects.get(pk=key_result.pk).kpi_id is None


def test_a_corrected_value_changes_the_figure_at_once(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpi = monthly_kpi(world, "Leads", [40.0])
    page = editor_page

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    expect(page.get_by_test_id("kpi-health")).to_have_attribute("data-health", "red")
    page.get_by_test_id("correct-value").first.click()
    page.get_by_label("Value", exact=True).fill("120")
    page.get_by_label("Reason").fill("typed 40 for 120")
    page.get_by_test_id("save-value").click()

    expect(page.get_by_text("The value was corrected")).to_be_visible()
    expect(page.get_by_test_id("kpi-health")).to_have_attribute("data-health", "green")
    expect(page.get_by_test_id("kpi-value").first).to_have_text("120")


def test_an_upload_skips_its_bad_row_when_asked(
    editor_page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    kpi = monthly_kpi(world, "Signups", [])
    days = months_back(2)
    path = write_csv(
        tmp_path,
        "signups.csv",
        ["date,value", f"{days[0]:%Y-%m-%d},90", f"{days[1]:%Y-%m-%d},lots"],
    )
    page = editor_page

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/upload/")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_test_id("upload-preview").click()
    bad = page.get_by_test_id("bad-rows")
    expect(bad.locator('tr[data-line="3"]')).to_contain_text("Value")
    page.get_by_test_id("skip-bad").click()

    expect(page.get_by_text("1 value written (1 new). 1 bad line skipped.")).to_be_visible()
    assert list(Measurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [90.0]


def test_several_kpis_get_a_new_owner_from_the_board(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpis = [monthly_kpi(world, name, []) for name in ("Alpha", "Beta", "Gamma")]
    page = editor_page

    page.goto(f"{live_server.url}/kpis/?view=table")
    expect(page.get_by_test_id("bulk-bar")).to_be_hidden()
    page.locator(f'tr[data-kpi-id="{kpis[0].pk}"]').get_by_test_id("select-kpi").check()
    page.locator(f'tr[data-kpi-id="{kpis[2].pk}"]').get_by_test_id("select-kpi").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("2 selected")
    pick(page, "New owner", "Ada", "Ada Admin")
    page.get_by_test_id("bulk-apply").click()

    expect(page.get_by_text("2 KPIs changed.")).to_be_visible()
    owners = dict(Kpi.objects.values_list("name", "owner_id"))
    assert owners == {"Alpha": world.admin.pk, "Beta": world.editor.pk, "Gamma": world.admin.pk}


def test_several_objectives_get_a_new_owner_from_the_cycle_board(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    for title in ("Grow", "Keep", "Delight"):
        factories.objective(world.cycle, world.sales, title, owner=world.editor)
    page = editor_page

    page.goto(f"{live_server.url}/objectives/cycle/{world.cycle.pk}/")
    page.get_by_test_id("select-all-objectives").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("3 selected")
    page.get_by_role("checkbox", name="Select Keep").uncheck()
    expect(page.get_by_test_id("bulk-count")).to_have_text("2 selected")
    pick(page, "New owner", "Ada", "Ada Admin")
    page.get_by_test_id("bulk-apply").click()

    expect(page.get_by_text("2 objectives changed.")).to_be_visible()
    owners = dict(Objective.objects.values_list("title", "owner_id"))
    assert owners == {"Grow": world.admin.pk, "Keep": world.editor.pk, "Delight": world.admin.pk}
