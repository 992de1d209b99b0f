"""Dashboards in Chromium: build one from tiles, arrange it by drag and by keyboard, share
it with the workspace, show it in TV mode, open it through a share link (until revoked),
and export it as PDF and PowerPoint. Screenshots at desktop and phone widths."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pptx import Presentation
from pytest_django.live_server_helper import LiveServer

from goalkeeper.dashboards import services
from goalkeeper.dashboards.models import Dashboard, Tile
from tests.browser.conftest import DESKTOP, MOBILE, log_in, pickers_ready
from tests.conftest import Everything, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def add_tile(page: Page, kind: str) -> Locator:
    """Open the "Add tile" section of `kind` and return it."""
    section = page.get_by_test_id(f"add-{kind}")
    section.locator("summary").click()
    return section


def pick_in(page: Page, scope: Locator, label: str, typed: str, choice: str) -> None:
    """Choose `choice` in the picker labelled `label` inside `scope`, with the keyboard."""
    pickers_ready(page)
    box = scope.get_by_role("combobox", name=label).first
    box.focus()
    expect(box).to_be_focused()
    page.keyboard.type(typed)
    option = (
        page.locator(".ts-dropdown:visible")
        .get_by_role("option", name=re.compile(re.escape(choice)))
        .first
    )
    option.wait_for()
    while "active" not in (option.get_attribute("class") or ""):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def place(tile: Tile) -> tuple[int, int, int, int]:
    tile.refresh_from_db()
    return tile.x, tile.y, tile.w, tile.h


def saved_after(page: Page, before: str | None) -> None:
    """Wait until the editor saved a layout after `before` (its data-saved stamp)."""
    page.wait_for_function(
        "(before) => { const g = document.querySelector('[data-dash-editor]');"
        " return g && g.getAttribute('data-saved') && g.getAttribute('data-saved') !== before; }",
        arg=before,
    )


def test_build_arrange_share_show_and_export_a_dashboard(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    world: World,
    things: Everything,
    screenshot_dir: Path,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    base = live_server.url
    log_in(page, base, world.editor.user.email)

    # An empty list says what to do.
    page.goto(f"{base}/dashboards/")
    expect(page.get_by_text("No dashboards yet")).to_be_visible()
    page.get_by_test_id("new-dashboard").first.click()
    page.get_by_label("Title").fill("Company pulse")
    page.get_by_label("The whole workspace").check()
    page.get_by_test_id("save-dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboards/\d+/edit/$"))
    dashboard = Dashboard.objects.get(title="Company pulse")
    assert dashboard.sharing == "workspace"

    # Tiles of several kinds, through the forms (KPI and objective chosen with the pickers).
    tiles = page.get_by_test_id("tile")
    section = add_tile(page, "text")
    section.get_by_label("Text").fill("Monday sync\nRed first")
    section.get_by_test_id("add-tile-text").click()
    expect(tiles).to_have_count(1)
    section = add_tile(page, "kpi_chart")
    pick_in(page, section, "KPI", "Acme", "Acme secret KPI")
    section.get_by_test_id("add-tile-kpi_chart").focus()
    page.keyboard.press("Enter")
    expect(tiles).to_have_count(2)
    section = add_tile(page, "objective")
    pick_in(page, section, "Objective", "Acme", "Acme secret objective")
    section.get_by_test_id("add-tile-objective").focus()
    page.keyboard.press("Enter")
    expect(tiles).to_have_count(3)
    section = add_tile(page, "health_counts")
    section.get_by_test_id("add-tile-health_counts").click()
    expect(tiles).to_have_count(4)
    kinds = {t.kind: t for t in Tile.objects.filter(dashboard=dashboard)}
    assert set(kinds) == {"text", "kpi_chart", "objective", "health_counts"}
    page.wait_for_selector("[data-dash-editor][data-ready]", state="attached")
    page.screenshot(path=str(screenshot_dir / "dashboard-edit-desktop.png"), full_page=True)

    # Move one tile by drag: the text tile goes to the bottom right.
    grid = page.get_by_test_id("editor-grid")
    text_tile = page.locator(f"#tile-{kinds['text'].pk} .dash-tile__head")
    before = grid.get_attribute("data-saved")
    page.evaluate("() => window.scrollTo(0, 0)")
    start = text_tile.bounding_box()
    area = grid.bounding_box()
    assert start is not None
    assert area is not None
    page.mouse.move(start["x"] + 20, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + 60, start["y"] + 40, steps=5)
    page.mouse.move(area["x"] + area["width"] * 0.72, area["y"] + area["height"] * 0.75, steps=15)
    page.mouse.up()
    saved_after(page, before)
    dragged = place(kinds["text"])
    assert dragged[1] > 0, dragged

    # Move another by keyboard: focus it, arrow down twice, Shift+arrow right to widen it.
    content = page.locator(f"#tile-{kinds['health_counts'].pk} .grid-stack-item-content")
    content.focus()
    expect(content).to_be_focused()
    was = place(kinds["health_counts"])
    before = grid.get_attribute("data-saved")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    saved_after(page, before)
    status = page.locator("[data-dash-status]")
    expect(status).to_contain_text("Layout saved")
    moved = place(kinds["health_counts"])
    assert moved[1] == was[1] + 2
    assert moved[2] == was[2] + 1

    # Reload: the layout is kept.
    page.reload()
    page.wait_for_selector("[data-dash-editor][data-ready]", state="attached")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.grid-stack-item')].map(e => "
        "[Number(e.getAttribute('gs-id')), e.gridstackNode.x, e.gridstackNode.y, "
        "e.gridstackNode.w, e.gridstackNode.h])"
    )
    assert {row[0]: tuple(row[1:]) for row in shown} == {t.pk: place(t) for t in kinds.values()}
    assert place(kinds["health_counts"]) == moved

    # The view: every tile, the KPI chart drawn.
    page.get_by_test_id("done-editing").click()
    expect(page.get_by_test_id("tile")).to_have_count(4)
    expect(page.locator("[data-dash-chart] svg").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "dashboard-view-desktop.png"), full_page=True)

    # Another person of the workspace sees it.
    other = browser.new_context(viewport=DESKTOP)
    viewer = other.new_page()
    log_in(viewer, base, world.viewer.user.email)
    viewer.goto(f"{base}/dashboards/")
    expect(viewer.get_by_test_id("list-workspace")).to_contain_text("Company pulse")
    viewer.get_by_role("link", name="Company pulse").click()
    expect(viewer.get_by_test_id("tile")).to_have_count(4)
    expect(viewer.get_by_test_id("edit-dashboard")).to_have_count(0)
    other.close()

    # TV mode rotates between two dashboards and refreshes itself.
    second = services.create_dashboard(actor=world.editor, title="Sales room", sharing="workspace")
    services.add_tile(actor=world.editor, dashboard=second, kind="text", config={"text": "Go team"})
    page.goto(f"{base}/dashboards/tv/?d={dashboard.pk}&d={second.pk}&every=10")
    stage = page.get_by_test_id("tv-stage")
    expect(stage).to_have_attribute("data-showing", str(dashboard.pk))
    expect(page.locator("[data-tv-state]")).to_contain_text("Updated")
    expect(page.locator(".sidebar")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "dashboard-tv-desktop.png"), full_page=False)
    expect(stage).to_have_attribute("data-showing", str(second.pk), timeout=15_000)
    expect(page.locator("[data-tv-title]")).to_have_text("Sales room")
    expect(stage).to_have_attribute("data-showing", str(dashboard.pk), timeout=15_000)

    # A share link, opened with no login in a fresh browser: that dashboard and nothing else.
    page.goto(f"{base}/dashboards/{dashboard.pk}/share/")
    page.get_by_test_id("create-link").click()
    link = page.get_by_test_id("new-link").input_value()
    assert "/s/" in link
    stranger = browser.new_context(viewport=DESKTOP)
    public = stranger.new_page()
    public.goto(link)
    expect(public.get_by_role("heading", level=1)).to_have_text("Company pulse")
    expect(public.get_by_test_id("tile")).to_have_count(4)
    expect(public.locator("nav, .sidebar")).to_have_count(0)
    assert public.locator("a[href^='/']").count() == 0
    public.screenshot(path=str(screenshot_dir / "dashboard-shared-desktop.png"), full_page=True)
    phone = browser.new_context(viewport=MOBILE)
    on_phone = phone.new_page()
    on_phone.goto(link)
    expect(on_phone.get_by_test_id("tile")).to_have_count(4)
    on_phone.screenshot(path=str(screenshot_dir / "dashboard-shared-phone.png"), full_page=True)
    phone.close()

    # Revoked: the link stops working.
    page.goto(f"{base}/dashboards/{dashboard.pk}/share/")
    page.get_by_test_id("revoke-link").click()
    expect(page.get_by_test_id("link-row")).to_contain_text("Revoked")
    gone = public.goto(link)
    assert gone is not None
    assert gone.status == 410
    expect(public.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    stranger.close()

    # Exports: the PDF turned into PNG pages, the deck reopened and its slides counted.
    page.goto(f"{base}/dashboards/{dashboard.pk}/")
    with page.expect_download() as pdf_download:
        page.get_by_test_id("export-pdf").click()
    pdf = tmp_path / "pulse.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(  # noqa: S603
        ["/usr/bin/pdftoppm", "-png", "-r", "50", str(pdf), str(screenshot_dir / "dashboard-pdf")],
        check=True,
    )
    assert list(screenshot_dir.glob("dashboard-pdf-*.png"))
    with page.expect_download() as pptx_download:
        page.get_by_test_id("export-pptx").click()
    pptx = tmp_path / "pulse.pptx"
    pptx_download.value.save_as(pptx)
    deck = Presentation(str(pptx))
    assert len(deck.slides) == 1 + 4

    assert console_errors == []


def test_the_dashboard_on_a_phone(
    browser: Browser,
    live_server: LiveServer,
    world: World,
    things: Everything,
    screenshot_dir: Path,
) -> None:
    from tests.dashboards.conftest import build_board

    board = build_board(world, things)
    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/dashboards/{board.dashboard.pk}/")
    expect(page.get_by_test_id("tile")).to_have_count(7)
    page.screenshot(path=str(screenshot_dir / "dashboard-view-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboards/{board.dashboard.pk}/edit/")
    page.screenshot(path=str(screenshot_dir / "dashboard-edit-phone.png"), full_page=True)
    context.close()
