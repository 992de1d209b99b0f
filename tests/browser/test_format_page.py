"""The open format's admin page in Chromium: download an export, upload a document, read its
plan, apply it; a wrong field is named with its file and line (docs/format.md, "Web")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import Objective
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.portability.test_import import DOCUMENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_exports_then_imports_a_document_and_sees_a_wrong_field_by_its_line(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/admin/format/")
    expect(page.get_by_role("heading", name="Import and export", level=1)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "format-page-desktop.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(f"{world.acme.slug}-")
    assert saved.suffix == ".yaml"
    exported = yaml.safe_load(saved.read_text())
    assert exported["version"] == 1
    assert "sales" in {team["key"] for team in exported["teams"]}

    upload = tmp_path / "okrs.yaml"
    upload.write_text(DOCUMENT)
    page.get_by_label("YAML or JSON file").set_input_files(upload)
    page.get_by_test_id("show-plan").click()
    summary = page.get_by_test_id("plan-summary")
    expect(summary).to_contain_text("create 1 cycle, 1 KPI, 1 objective")
    page.screenshot(path=str(screenshot_dir / "format-plan-desktop.png"), full_page=True)
    assert not Objective.objects.filter(workspace=world.acme, title="Grow revenue").exists()
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("applied")).to_contain_text("Imported: create 1 cycle")
    assert Objective.objects.filter(workspace=world.acme, title="Grow revenue").exists()

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(DOCUMENT.replace("state: active", "state: paused"))
    page.get_by_label("YAML or JSON file").set_input_files(wrong)
    page.get_by_test_id("show-plan").click()
    problems = page.get_by_test_id("problems")
    expect(problems).to_be_visible()
    expect(problems.locator("li").first).to_have_text(
        re.compile(r"^wrong\.yaml:6: cycles\[0\]\.state: .*'paused'.*planning.*active.*closed")
    )
    page.screenshot(path=str(screenshot_dir / "format-problems-desktop.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    page.wait_for_timeout(400)  # the navigation slides out of the way
    page.screenshot(path=str(screenshot_dir / "format-problems-phone.png"), full_page=True)
    assert errors == []


def test_the_backups_page_reads_at_desktop_and_phone_width(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_test_id("card-backups").click()
    expect(page.get_by_test_id("backups-empty")).to_contain_text("BACKUP_SCHEDULE=daily")
    page.screenshot(path=str(screenshot_dir / "backups-empty-desktop.png"), full_page=True)
    expect(page.get_by_role("link", name="Backups", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=str(screenshot_dir / "backups-empty-phone.png"), full_page=True)
