"""Alerts in Chromium at desktop and phone width: the hold on the workspace settings page,
and alert items in the inbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import Workspace
from goalkeeper.alerts.tasks import send_due_alerts
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.sources import services
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sets_how_long_a_kpi_health_must_hold_before_it_alerts(
    admin_page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
):
    page = admin_page
    page.goto(f"{live_server.url}/admin/settings/")
    field = page.get_by_label("Alert after (periods)")
    expect(field).to_have_value("1")
    page.screenshot(path=str(screenshot_dir / "alert-settings-desktop.png"), full_page=True)

    field.fill("-2")
    page.get_by_role("button", name="Save the settings").click()
    error = page.locator(".field--error", has=page.get_by_label("Alert after (periods)"))
    expect(error.locator(".field__error")).to_contain_text("greater than or equal to 0")
    assert Workspace.objects.get(pk=world.acme.pk).alert_hold_periods == 1

    page.get_by_label("Alert after (periods)").fill("2")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Saved the workspace settings.")).to_be_visible()
    assert Workspace.objects.get(pk=world.acme.pk).alert_hold_periods == 2

    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/admin/settings/")
    page.screenshot(path=str(screenshot_dir / "alert-settings-phone.png"), full_page=True)


def test_the_owner_finds_kpi_and_source_alerts_in_the_inbox(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
):
    churn = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Churn rate",
        unit="%",
        direction="lower_is_better",
        target=3.0,
        warning=3.5,
        frequency="weekly",
        owner=world.editor,
    )
    now = dt.datetime.now(dt.UTC)
    week = dt.timedelta(days=7)
    record_measurements(actor=world.admin, kpi=churn, points=[(now - week, 4.1), (now, 4.1)])
    source = services.create_source(
        actor=world.editor,
        kpi=churn,
        configuration=services.configure(kpi=churn, kind="push", values={}),
    )
    with time_machine.travel(now + 3 * week, tick=False):
        send_due_alerts.call_local()

    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_text("Churn rate turned stale")).to_be_visible()
    expect(page.get_by_text("Nothing pushed to Churn rate since")).to_be_visible()
    assert source.pk
    page.screenshot(path=str(screenshot_dir / "alert-inbox-desktop.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/inbox/")
    page.screenshot(path=str(screenshot_dir / "alert-inbox-phone.png"), full_page=True)
