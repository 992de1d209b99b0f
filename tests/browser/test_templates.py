"""Starting from a template in a real browser: the gallery searched by keyboard, an
objective started from a template, a target changed, saved; the KPI chooser; desktop and
phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Objective
from tests.browser.conftest import MOBILE, log_in, pickers_ready
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_objective_started_from_a_template_with_a_changed_target_is_saved(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_create')}?cycle={world.cycle.pk}")
    page.get_by_test_id("start-from-template").click()

    search = page.get_by_test_id("template-search")
    expect(search).to_be_focused()
    page.keyboard.type("dora")
    expect(page.get_by_test_id("template-card")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "templates-gallery-desktop.png", full_page=True)
    page.get_by_test_id("template-link").click()

    expect(page.get_by_test_id("template-objective")).to_have_count(3)
    page.screenshot(path=screenshot_dir / "templates-detail-desktop.png", full_page=True)
    page.get_by_test_id("start-objective").first.click()

    expect(page.get_by_label("Title", exact=True)).to_have_value("Ship small changes often")
    pickers_ready(page)
    target = page.locator("[name='kr-0-target']")
    expect(target).to_have_value("20")
    target.fill("25")
    page.screenshot(path=screenshot_dir / "templates-objective-desktop.png", full_page=True)
    page.get_by_test_id("save-objective").click()

    page.wait_for_url("**/objectives/*/")
    objective = Objective.objects.get()
    assert objective.title == "Ship small changes often"
    assert objective.cycle == world.cycle
    assert list(objective.key_results.order_by("position").values_list("target", flat=True)) == [
        25,
        24,
        8,
    ]
    assert console_errors == []


def test_the_kpi_chooser_adds_the_chosen_kpis_at_phone_width(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('template_gallery')}?for=kpis&team={world.sales.pk}")
    page.screenshot(path=screenshot_dir / "templates-gallery-phone.png", full_page=True)
    page.goto(
        f"{live_server.url}{reverse('template_kpis', args=['engineering'])}?team={world.sales.pk}"
    )
    pickers_ready(page)
    rows = page.get_by_test_id("template-kpi-row")
    expect(rows).to_have_count(6)
    for index in range(2, 6):
        rows.nth(index).get_by_role("checkbox").uncheck()
    rows.nth(0).get_by_label("Target").fill("30")
    page.screenshot(path=screenshot_dir / "templates-kpis-phone.png", full_page=True)
    page.get_by_test_id("add-kpis").click()

    page.wait_for_url("**/kpis/?team=*")
    kpis = list(Kpi.objects.order_by("id").values_list("name", "target", "team"))
    assert kpis == [
        ("Deployment frequency", 30, world.sales.pk),
        ("Lead time for changes", 24, world.sales.pk),
    ]
    assert console_errors == []
