"""German in Chromium: a person who chose German reads the pages, numbers and dates in
German, checks in with a decimal comma, and a browser asking for German gets German at the
login page (docs/languages.md)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Objective
from tests.browser.conftest import DESKTOP, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)
GERMAN_DAY = re.compile(r"\d{1,2}\. (Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)")


@pytest.fixture
def german_editor(world: World) -> World:
    """The editor chose German; the world's cycle runs around today (the live server reads
    the real clock)."""
    world.editor.user.language = "de"
    world.editor.user.save(update_fields=["language"])
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    return world


@pytest.fixture
def revenue(german_editor: World) -> KeyResult:
    world = german_editor
    grow = factories.objective(world.cycle, world.sales, "Grow revenue", owner=world.editor)
    return factories.key_result(
        grow,
        "Monthly revenue",
        target=5000,
        unit="€",
        check_ins=[(1234.5, timezone.now() - 2 * DAY)],
        confidence=6,
    )


def test_a_person_who_chose_german_reads_home_board_objective_and_kpi_in_german(
    page: Page, live_server: LiveServer, german_editor: World, revenue: KeyResult
) -> None:
    world = german_editor
    kpi = create_kpi(actor=world.editor, team=world.sales, name="Leads", target=2000, warning=1500)
    record_measurements(actor=world.editor, kpi=kpi, points=[(timezone.now() - DAY, 1234.5)])
    log_in(page, live_server.url, world.editor.user.email)

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Meine Woche")).to_be_visible()
    expect(page.locator("#mine")).to_contain_text("€1.234,5")
    expect(page.get_by_test_id("cycle-timeline")).to_contain_text("Woche")

    page.goto(f"{live_server.url}/objectives/cycle/{world.cycle.pk}/")
    expect(page.get_by_text(re.compile("Zyklus-Board"))).to_be_visible()
    expect(page.get_by_test_id("board-summary")).to_contain_text("Objective")

    objective: Objective = revenue.objective
    page.goto(f"{live_server.url}/objectives/{objective.pk}/")
    expect(page.locator("#krs-title")).to_contain_text("Key Results")
    expect(page.locator("#key-results")).to_contain_text("€1.234,5")
    expect(page.locator("#key-results")).to_contain_text("Ziel €5.000")
    expect(page.get_by_text(GERMAN_DAY).first).to_be_visible()

    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("main")).to_contain_text("1.234,5")


def test_a_check_in_with_a_decimal_comma_is_saved_and_the_field_stays_machine_readable(
    page: Page, live_server: LiveServer, german_editor: World, revenue: KeyResult
) -> None:
    log_in(page, live_server.url, german_editor.editor.user.email)
    page.goto(f"{live_server.url}/objectives/{revenue.objective.pk}/")
    row = page.locator(f'[data-kr-row="{revenue.pk}"][data-kr-context="detail"]')
    row.get_by_role("link", name="Check-in für Monthly revenue").click()
    form = page.locator(f'[data-check-in-form="{revenue.pk}"]')
    value = form.get_by_label("Neuer Messwert (€)")
    # The field shows the stored value with a point, as a machine reads it.
    expect(value).to_have_value("1234.5")
    value.fill("2345,75")
    form.get_by_role("button", name="Check-in speichern").click()
    expect(row).to_contain_text("€2.345,75", timeout=15_000)

    revenue.refresh_from_db()
    assert revenue.current == pytest.approx(2345.75)
    row.get_by_role("link", name="Check-in für Monthly revenue").click()
    expect(
        page.locator(f'[data-check-in-form="{revenue.pk}"]').get_by_label("Neuer Messwert (€)")
    ).to_have_value("2345.75")


def test_a_browser_asking_for_german_gets_the_login_page_in_german(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    try:
        german = context.new_page()
        german.goto(f"{live_server.url}/login/")
        expect(german.locator("html")).to_have_attribute("lang", "de")
        expect(german.get_by_role("heading", name="Bei Goalkeeper anmelden")).to_be_visible()
        expect(german.get_by_label("Passwort")).to_be_visible()
        expect(german.get_by_role("button", name="Anmelden")).to_be_visible()
    finally:
        context.close()
