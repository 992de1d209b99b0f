"""Phased targets in a real browser: typed month by month on the key result form, a refusal
shown beside its month while typing, saved, and the key result's status following them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.services import record_check_in
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phased_targets_are_typed_month_by_month_and_move_the_status(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    objective = factories.objective(
        world.cycle, world.sales, "Win the year-end", owner=world.editor
    )
    bookings = factories.key_result(objective, "New bookings", start=0, target=200, unit="k€")
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Bookings", target=100.0, frequency="monthly"
    )
    KeyResult.objects.filter(pk=bookings.pk).update(kpi=kpi, kpi_mode="cycle_aggregate")
    record_check_in(actor=world.editor, key_result=bookings, value=70, at=timezone.now())
    log_in(page, live_server.url, world.editor.user.email)

    page.goto(f"{live_server.url}{reverse('key_result_edit', args=[bookings.pk])}")
    phases = page.get_by_test_id("phases")
    phases.locator("summary").click()
    expect(page.get_by_test_id("follow-shape")).to_have_text("Follow last year's shape of Bookings")
    october = page.get_by_label("31 Oct 2026")
    october.fill("20")
    october.press("Tab")
    expect(page.get_by_label("30 Nov 2026")).to_be_focused()
    page.keyboard.type("1e300")
    expect(page.locator("#id_phase_1_error")).to_have_text("must be between -1e15 and 1e15")
    page.screenshot(path=screenshot_dir / "kr-phases-error-desktop.png", full_page=True)
    page.get_by_label("30 Nov 2026").fill("60")
    expect(page.locator("#id_phase_1_error")).to_be_empty()
    page.get_by_label("31 Dec 2026").fill("200")
    page.screenshot(path=screenshot_dir / "kr-phases-desktop.png", full_page=True)
    page.get_by_test_id("save-key-result").click()

    page.wait_for_url(f"{live_server.url}{reverse('objective_detail', args=[objective.pk])}")
    assert KeyResult.objects.get(pk=bookings.pk).phases == [
        {"until": "2026-10-31", "value": 20.0},
        {"until": "2026-11-30", "value": 60.0},
        {"until": "2026-12-31", "value": 200.0},
    ]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=screenshot_dir / "kr-phases-objective-desktop.png", full_page=True)
    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=screenshot_dir / "kr-phases-objective-phone.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('key_result_edit', args=[bookings.pk])}")
    expect(page.get_by_label("30 Nov 2026")).to_have_value("60")
    page.screenshot(path=screenshot_dir / "kr-phases-phone.png", full_page=True)
    assert console_errors == []
