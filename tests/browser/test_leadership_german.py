"""The leadership view for a German reader in Chromium: a dashboard's decimals as Germans
write them on the page and on the chart's axis, the chart fed plain numbers, the editor,
TV mode and the strategy map speaking German from their scripts (docs/languages.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.dashboards import services
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.browser.conftest import log_in
from tests.conftest import Everything, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_german_reader_gets_german_decimals_and_a_german_editor_and_tv_mode(
    page: Page, live_server: LiveServer, world: World
) -> None:
    world.editor.user.language = "de"
    world.editor.user.save(update_fields=["language"])
    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Conversion",
        unit="%",
        direction="higher_is_better",
        target=12.5,
        warning=10,
        frequency="daily",
    )
    now = dt.datetime.now(dt.UTC)
    record_measurements(
        actor=world.admin,
        kpi=kpi,
        points=[(now - dt.timedelta(days=d), 11 + d / 4) for d in range(1, 8)],
    )
    board = services.create_dashboard(actor=world.editor, title="Puls", sharing="workspace")
    tile = services.add_tile(
        actor=world.editor, dashboard=board, kind="kpi_chart", config={"kpi": kpi.pk}
    )
    services.add_tile(actor=world.editor, dashboard=board, kind="text", config={"text": "Hallo"})
    base = live_server.url
    log_in(page, base, world.editor.user.email)

    page.goto(f"{base}/dashboards/{board.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_text("Mit allen geteilt")).to_be_visible()
    # The latest complete day: 11.25 %, written the German way for people.
    expect(page.get_by_test_id("tile-kpi-value")).to_have_text("11,25%")
    # The chart is drawn from plain numbers, its axis in German.
    chart = page.locator(f"#tile-{tile.pk} [data-dash-chart] svg")
    expect(chart).to_be_visible()
    axis = chart.locator("text").all_text_contents()
    percents = [text for text in axis if text.endswith("%")]
    assert any("," in text for text in percents), axis
    # Only the numbers: German dates on the other axis carry a dot ("27. Nov").
    assert not any("." in text for text in percents), axis

    # The editor says what a key press did, in German.
    page.goto(f"{base}/dashboards/{board.pk}/edit/")
    page.wait_for_selector("[data-dash-editor][data-ready]", state="attached")
    content = page.locator(f"#tile-{tile.pk} .grid-stack-item-content")
    content.focus()
    expect(content).to_be_focused()
    page.keyboard.press("ArrowDown")
    status = page.locator("[data-dash-status]")
    expect(status).to_contain_text("„Conversion“ in Spalte 1, Zeile 2 verschoben")
    expect(status).to_contain_text("Layout gespeichert.", timeout=10_000)

    # TV mode counts and updates in German.
    page.goto(f"{base}/dashboards/tv/?d={board.pk}")
    expect(page.locator("[data-tv-position]")).to_have_text("1 von 1")
    expect(page.locator("[data-tv-state]")).to_contain_text("Aktualisiert", timeout=10_000)


def test_the_strategy_maps_script_speaks_german_to_a_german_reader(
    page: Page, live_server: LiveServer, world: World, things: Everything
) -> None:
    world.editor.user.language = "de"
    world.editor.user.save(update_fields=["language"])
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/alignment/map/?cycle={world.cycle.pk}")
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")
    search = page.locator("[data-map-search]")
    search.fill("zzzz")
    expect(page.locator("[data-map-hits]")).to_contain_text(
        "Kein Objective passt zu „zzzz“.", timeout=10_000
    )
