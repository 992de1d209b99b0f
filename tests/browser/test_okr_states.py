"""States that agree, in Chromium: a closed objective and a closed board show final scores,
never pace; a live board colours by pace with neutral scores. Screenshots at desktop and
phone widths go to the test's temporary directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import CycleState, Objective
from goalkeeper.okrs.services import Closing, close_cycle, create_cycle
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
WIDTHS = {"desktop": DESKTOP, "phone": MOBILE}


@pytest.fixture
def quarter(world: World) -> dict[str, Objective]:
    """The world's cycle around today (the live server reads the real clock): one objective
    lagging at 0.3 with a single check-in and a single key result (the coach would remark),
    one not started."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    now = timezone.now()
    lagging = factories.objective(world.cycle, world.sales, "Win retail", owner=world.editor)
    factories.key_result(lagging, "Stores signed", target=100, check_ins=[(30, now)])
    idle = factories.objective(world.cycle, world.sales, "Open Lyon", owner=world.editor)
    factories.key_result(idle, "Stores open", target=3)
    return {"lagging": lagging, "idle": idle}


def shoot(page: Page, folder: Path, name: str, expand: bool = False) -> None:
    """Full-page screenshots at each width, the page loaded at that width (no transition of
    the navigation drawer caught halfway)."""
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.reload()
        page.wait_for_load_state("networkidle")
        if expand:
            page.get_by_role("button", name="Expand all").click()
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True, animations="disabled")


def test_a_live_board_colours_by_pace_and_shows_scores_neutral(
    page: Page,
    live_server: LiveServer,
    world: World,
    quarter: dict[str, Objective],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.viewer.user.email)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{reverse('cycle_board', args=[world.cycle.pk])}")
    page.get_by_role("button", name="Expand all").click()

    lagging = page.locator(f"#objective-board-{quarter['lagging'].pk}")
    expect(lagging.locator(".objective__summary .badge--status")).to_have_text("At risk")
    idle = page.locator(f"#objective-board-{quarter['idle'].pk}")
    expect(idle.locator("tr.kr-row")).to_have_attribute("data-tone", "not_started")
    expect(idle.locator("tr.kr-row .score-chip")).to_have_text("0.0")
    chips = page.locator(".score-chip")
    for index in range(chips.count()):
        expect(chips.nth(index)).to_have_attribute("data-tone", "neutral")
    expect(page.get_by_test_id("cycle-timeline")).to_contain_text("Week 7 of 13")
    shoot(page, tmp_path, "live-board", expand=True)
    assert console_errors == []


def test_a_closed_objective_and_its_closed_board_show_final_scores_only(
    page: Page,
    live_server: LiveServer,
    world: World,
    quarter: dict[str, Objective],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[
            Closing(quarter["lagging"].pk, 0.3, "Too ambitious for one quarter."),
            Closing(quarter["idle"].pk, 0.0, ""),
        ],
    )
    closed_on = world.acme.clock().today
    log_in(page, live_server.url, world.viewer.user.email)
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}{reverse('objective_detail', args=[quarter['lagging'].pk])}")
    expect(page.locator("#retro-title .score-chip")).to_have_attribute("data-tone", "red")
    expect(page.get_by_text("Too ambitious for one quarter.")).to_be_visible()
    expect(page.get_by_text("Closed with a final score of 0.3.")).to_be_visible()
    expect(page.locator("[data-objective-chart]")).to_have_attribute("data-drawn", "2")
    body = page.locator("main").inner_text()
    for never in ("Expected by today", "At risk", "Needs check-ins", "Coach", "Expected pace"):
        assert never not in body, never
    assert page.locator(".progress__marker").count() == 0
    shoot(page, tmp_path, "closed-objective")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{reverse('cycle_board', args=[world.cycle.pk])}")
    timeline = page.get_by_test_id("cycle-timeline")
    expect(timeline).to_contain_text(f"Closed {closed_on.day} {closed_on:%b %Y}")
    expect(timeline).to_contain_text("13 weeks")
    expect(timeline).not_to_contain_text("Week")
    expect(page.get_by_test_id("band-red").locator(".stat__value")).to_have_text("2")
    expect(page.locator("#filter-status")).to_have_count(0)
    assert "At risk" not in page.locator("main").inner_text()
    shoot(page, tmp_path, "closed-board", expand=True)
    assert console_errors == []
    print(f"\nscreenshots in {tmp_path}")


def test_home_opens_on_my_active_cycle_and_switches_to_the_other(
    page: Page,
    live_server: LiveServer,
    world: World,
    quarter: dict[str, Objective],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    today = timezone.localdate()
    create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="Product H2",
        start_date=today - 10 * DAY,
        end_date=today + 80 * DAY,
        state=CycleState.ACTIVE,
    )
    log_in(page, live_server.url, world.editor.user.email)
    page.set_viewport_size(DESKTOP)

    expect(page.get_by_test_id("cycle-name")).to_have_text("2026-Q4")
    expect(page.locator("#mine")).to_contain_text("Win retail")
    shoot(page, tmp_path, "home-two-cycles")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("home-cycles").get_by_label("Cycle").select_option(
        label="Product H2 · Active"
    )

    expect(page.get_by_test_id("cycle-name")).to_have_text("Product H2")
    expect(page.locator("#mine")).not_to_contain_text("Win retail")
    assert console_errors == []
