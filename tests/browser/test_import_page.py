"""The import page in Chromium: upload, the preview, a column's field changed, apply; at
desktop and phone width (docs/importers.md, "Web")."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from tests.browser.conftest import MOBILE
from tests.conftest import World
from tests.importers.conftest import HEADERS, ROWS, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_previews_a_spreadsheet_changes_a_column_and_applies(
    admin_page: Page,
    live_server: LiveServer,
    world: World,
    tmp_path: Path,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    page = admin_page
    rows = [list(row) for row in ROWS]
    rows[2][9] = "abc"
    bad = tmp_path / "okrs.csv"
    bad.write_bytes(csv_bytes([[*row, "n"] for row in rows], [*HEADERS, "Notes"]))
    page.goto(f"{live_server.url}/admin/format/")
    page.get_by_test_id("import-link").click()
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_test_id("preview-button").click()

    # The wrong value is named at its row and column; nothing can be applied yet.
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("okrs.csv:4 Current value: 'abc' is not a number")
    expect(page.locator(".import-table__row--problem")).to_have_count(1)
    expect(page.get_by_test_id("apply")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "import-problem-desktop.png"), full_page=True)

    # Leaving the current value out, from the keyboard: the preview follows (htmx), the
    # problem goes, the plan shows, and the focus stays on the select.
    current = page.get_by_label("Current value", exact=True)
    current.focus()
    current.select_option("")
    # Each change asks the server for the preview again: allow for a busy machine.
    expect(page.get_by_test_id("problems")).to_have_count(0, timeout=30_000)
    summary = page.get_by_test_id("plan-summary")
    expect(summary).to_have_text(
        "Create 1 team, 1 person, 1 cycle, 2 objectives, 3 key results, delete nothing",
        timeout=30_000,
    )
    expect(page.get_by_label("Current value", exact=True)).to_be_focused()
    # The Notes column mapped to the unit, then left out again.
    page.get_by_label("Notes", exact=True).select_option("unit")
    expect(page.locator("#map-10-problem")).to_contain_text(
        "unit is already the column 'Unit'", timeout=30_000
    )
    page.get_by_label("Notes", exact=True).select_option("")
    expect(summary).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "import-preview-desktop.png"), full_page=True)

    # At phone width, from the start: the same file, the same change, then apply.
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/admin/import/")
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("problems")).to_be_visible(timeout=30_000)
    page.get_by_label("Current value", exact=True).select_option("")
    expect(page.get_by_test_id("plan-summary")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "import-preview-phone.png"), full_page=True)

    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("applied")).to_contain_text("Imported okrs.csv")
    assert Objective.objects.filter(workspace=world.acme).count() == 2
    assert KeyResult.objects.filter(objective__workspace=world.acme).count() == 3
    assert not CheckIn.objects.filter(key_result__objective__workspace=world.acme).exists()
    assert console_errors == []


def test_a_column_changed_the_moment_the_preview_arrives_still_updates_it(
    admin_page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    """The quickest possible hand: the change comes as soon as the preview is in the page.

    htmx wires swapped-in content when it settles; a settle delay would leave a moment in
    which the new form listens to nothing and a change is lost without a word.
    """
    page = admin_page
    rows = [list(row) for row in ROWS]
    rows[2][9] = "abc"
    bad = tmp_path / "okrs.csv"
    bad.write_bytes(csv_bytes(rows, HEADERS))
    page.goto(f"{live_server.url}/admin/import/")
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    # Runs at the first microtask checkpoint after the preview's form is inserted: after
    # htmx's work for that response if it wires new content at once, before it otherwise.
    page.evaluate(
        """() => {
          const observer = new MutationObserver(() => {
            const select = document.querySelector("#import-form #map-9");
            if (!select) return;
            observer.disconnect();
            select.value = "";
            select.dispatchEvent(new Event("change", { bubbles: true }));
          });
          observer.observe(document.body, { childList: true, subtree: true });
        }"""
    )
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("plan-summary")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("problems")).to_have_count(0)
    expect(page.get_by_label("Current value", exact=True)).to_have_value("")
