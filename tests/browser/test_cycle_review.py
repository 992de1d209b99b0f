"""The demo's closed cycle reviewed in Chromium, exported through the page's buttons: the PDF
turned into pictures of its pages, the deck's slides counted, the workbook reopened."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pptx import Presentation
from pytest_django.live_server_helper import LiveServer

from goalkeeper.demo.services import ADMIN_EMAIL, DEMO_PASSWORD
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from tests.browser.conftest import MOBILE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page: Page, test_id: str, target: Path) -> Path:
    # A document is made while the browser waits: allow for a loaded machine.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_test_id(test_id).click()
    download = info.value
    path = target / download.suggested_filename
    download.save_as(path)
    return path


def test_the_closed_cycle_is_reviewed_and_exported(
    page: Page,
    live_server: LiveServer,
    screenshot_dir: Path,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    cycle = Cycle.objects.get(state=CycleState.CLOSED)
    teams = Objective.objects.filter(cycle=cycle).values("team_id").distinct().count()
    log_in(page, live_server.url, ADMIN_EMAIL, DEMO_PASSWORD)

    # From the cycle board's header to the review.
    page.goto(f"{live_server.url}/objectives/cycle/{cycle.pk}/")
    page.get_by_test_id("cycle-review-link").click()
    expect(page.get_by_test_id("review-cycle")).to_have_text(cycle.name)
    expect(page.get_by_test_id("review-retrospectives").locator("li")).to_have_count(10)
    expect(page.get_by_test_id("review-carried")).to_be_visible()
    expect(page.locator("[data-review-chart='bands'] svg")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "cycle-review-desktop.png"), full_page=True)

    pdf = download(page, "export-pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "50", str(pdf), str(screenshot_dir / "cycle-review-pdf")],  # noqa: S607
            check=True,
        )
        pages = sorted(screenshot_dir.glob("cycle-review-pdf-*.png"))
        # A title page, a summary, one page per team at least.
        assert len(pages) >= 2 + teams

    pptx = download(page, "export-pptx", tmp_path)
    deck = Presentation(str(pptx))
    assert len(deck.slides) == 2 + teams

    xlsx = download(page, "export-xlsx", tmp_path)
    book = load_workbook(xlsx, read_only=True)
    assert book.sheetnames[:5] == ["Summary", "Objectives", "Key results", "Retrospectives", "KPIs"]
    objectives = list(book["Objectives"].iter_rows(min_row=2, values_only=True))
    assert len(objectives) == Objective.objects.filter(cycle=cycle).exclude(state="draft").count()
    first = Objective.objects.get(pk=objectives[0][0])
    assert objectives[0][5] == first.final_score

    # Phone width: the page stays usable; a team's name narrows the review to that team.
    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=str(screenshot_dir / "cycle-review-phone.png"), full_page=True)
    link = page.get_by_test_id("review-teams").get_by_role("link").nth(1)
    name = link.inner_text().strip()
    link.click()
    page.wait_for_url("**team=*")
    expect(page.locator("#review-team option:checked")).to_have_text(name)
    expect(page.get_by_test_id("review-teams").get_by_role("link")).to_have_count(1)
    assert not console_errors
