"""The strategy map in Chromium: load what supports a node, search an objective (its path
loads, the node is marked), zoom, open a node's page; names never run as markup."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.pages import alignment
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)
EVIL = '<img src=x onerror="window.__mapXss=1">'


@pytest.fixture
def company(world: World) -> dict[str, Objective]:
    """The world's cycle around today, a company objective, a Sales one supporting it, one
    supporting that, an unaligned one, and one whose title is markup."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    now = timezone.now()
    win = factories.objective(world.cycle, world.company, "Win retail", owner=world.admin)
    factories.key_result(win, "Reference customers", target=10, check_ins=[(5, now)])
    grow = factories.objective(
        world.cycle, world.sales, "Grow the pipeline", owner=world.editor, parent=win
    )
    factories.key_result(grow, "Signed deals", target=10, check_ins=[(5, now)])
    big = factories.objective(
        world.cycle, world.sales, "Land two enterprise logos", owner=world.editor, parent=grow
    )
    factories.key_result(big, "Logos", target=2, check_ins=[(1, now)])
    evil = factories.objective(world.cycle, world.sales, EVIL, owner=world.editor, parent=grow)
    loose = factories.objective(world.cycle, world.sales, "Tidy the CRM", owner=world.admin)
    return {"win": win, "grow": grow, "big": big, "evil": evil, "loose": loose}


def open_map(page: Page, live_server: LiveServer, world: World) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/alignment/map/")
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")


def chart_text(page: Page, text: str) -> Locator:
    return page.locator(".map-chart svg text", has_text=text).first


def test_expand_search_zoom_and_open_a_node(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    monkeypatch: pytest.MonkeyPatch,
    console_errors: list[str],
    screenshot_dir: Path,
) -> None:
    # As on a large company: the company level first, the rest as it is opened.
    monkeypatch.setattr(alignment, "TREE_OPEN_UP_TO", 0)
    open_map(page, live_server, world)
    chart = page.locator("[data-strategy-map]")

    expect(chart_text(page, "Win retail")).to_be_visible()
    expect(chart_text(page, "Grow the pipeline")).to_have_count(0)
    expect(page.locator(".map-list")).to_contain_text("Tidy the CRM")

    # Expanding: the "+ 1 supporting" node loads the children in place.
    chart_text(page, "+ 1 supporting").click()
    expect(chart_text(page, "Grow the pipeline")).to_be_visible()
    expect(page.locator(".map-list")).to_contain_text("Grow the pipeline")
    expect(page.locator(".map-list")).to_contain_text("+ 2 supporting")

    # Zoom buttons, with the keyboard.
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    expect(chart).to_have_attribute("data-zoom", "1.250")
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    expect(chart).to_have_attribute("data-zoom", "0.800")
    page.get_by_role("button", name="Fit").click()
    expect(chart).to_have_attribute("data-zoom", "1.000")

    # Search: a hit deep down; Enter loads its path and marks it.
    search = page.get_by_role("combobox", name="Search objectives, owners and teams")
    search.focus()
    expect(search).to_be_focused()
    page.keyboard.type("enterprise logos")
    hit = page.get_by_role("option", name=re.compile("Land two enterprise logos"))
    expect(hit).to_be_visible()
    expect(hit).to_contain_text("Win retail \u203a Grow the pipeline")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    focused = page.locator(f'.map-list__item--focused[data-key="objective-{company["big"].pk}"]')
    expect(focused).to_be_visible()
    # The series' own numbering: a virtual root 0, then depth first: Acme 1, Win retail 2,
    # Grow the pipeline 3, the logos 4.
    expect(chart).to_have_attribute("data-focused-index", "4")
    assert (
        page.evaluate(
            "echarts.getInstanceByDom(document.querySelector('[data-strategy-map]'))"
            ".getModel().getSeriesByIndex(0).getData().getName(4)"
        )
        == "Land two enterprise logos"
    )
    expect(chart_text(page, "Land two enterprise logos")).to_be_visible()
    expect(chart).to_contain_text("On track \u00b7 50%")  # its tooltip, shown for it
    expect(page.locator(".map-list")).to_contain_text("Win retail")
    page.screenshot(path=str(screenshot_dir / "strategy-map-desktop.png"), full_page=True)

    # A title that is markup shows as text, in the chart, its tooltip and the list.
    search.fill("")
    search.focus()
    page.keyboard.type("onerror")
    evil_hit = page.get_by_role("option", name=re.compile("onerror"))
    expect(evil_hit).to_be_visible()
    evil_hit.click()
    expect(
        page.locator(f'.map-list__item--focused[data-key="objective-{company["evil"].pk}"]')
    ).to_be_visible()
    expect(page.locator(".map-chart")).to_contain_text("onerror")
    chart_text(page, "onerror").hover()  # its tooltip is HTML: the title must be escaped
    expect(page.locator(".map-chart")).to_contain_text('<img src=x onerror="window.__mapXss=1">')
    assert page.evaluate("window.__mapXss") is None
    assert page.locator(".map-chart img, .map-list img").count() == 0

    # A click on a node opens its page (Fit first: the map is centred on the last hit).
    page.get_by_role("button", name="Fit").click()
    chart_text(page, "Win retail").click()
    page.wait_for_url(f"{live_server.url}/objectives/{company['win'].pk}/")
    assert console_errors == []


def test_the_map_on_a_phone_and_the_switch_from_the_tree(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    console_errors: list[str],
    screenshot_dir: Path,
) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/alignment/")
    page.get_by_test_id("map-view").click()
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")
    # A small cycle opens fully: every objective is on the map.
    expect(chart_text(page, "Land two enterprise logos")).to_be_visible()
    page.set_viewport_size(MOBILE)
    page.reload()
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")
    expect(page.get_by_role("link", name="Land two enterprise logos")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "strategy-map-phone.png"), full_page=True)
    assert console_errors == []
