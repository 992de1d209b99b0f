"""The OKR pages in Chromium: check in without leaving the page (from home and from the
objective page), filter the cycle board, search and fold the alignment tree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.services import create_team
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.pages import alignment as alignment_page
from goalkeeper.okrs.pages import board as board_page
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)


@pytest.fixture
def company(world: World) -> dict[str, Objective]:
    """The world's cycle moved around today (the live server reads the real clock), with a
    company objective, two Sales objectives aligned to it and one unaligned."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    now = timezone.now()
    last_week = now - 8 * DAY
    win = factories.objective(world.cycle, world.company, "Win retail", owner=world.admin)
    factories.key_result(win, "Reference customers", target=10, check_ins=[(5, now)])
    grow = factories.objective(
        world.cycle, world.sales, "Grow the pipeline", owner=world.editor, parent=win
    )
    factories.key_result(
        grow, "Qualified leads", target=200, unit="leads", check_ins=[(40, last_week)], confidence=5
    )
    factories.key_result(
        grow, "Signed deals", target=10, check_ins=[(2, now - 10 * DAY), (5, now)], confidence=6
    )
    enterprise = create_team(
        actor=None, workspace=world.acme, name="Enterprise", parent=world.sales
    )
    big = factories.objective(
        world.cycle, enterprise, "Land two enterprise logos", owner=world.editor, parent=grow
    )
    factories.key_result(big, "Logos", target=2, check_ins=[(1, now)])
    loose = factories.objective(
        world.cycle, world.sales, "Tidy the CRM", owner=world.admin, kind="aspirational"
    )
    factories.key_result(loose, "Clean records", target=100, check_ins=[(10, now - 20 * DAY)])
    return {"win": win, "grow": grow, "big": big, "loose": loose}


def test_check_in_from_home_updates_the_row_the_objective_and_the_counts(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.editor.user.email)
    waiting = page.locator("#waiting")
    grow = page.locator(f"#objective-mine-{company['grow'].pk}")
    expect(waiting.locator("[data-waiting-count]")).to_have_text("1")
    # (0.2 + 0.5) / 2 = 35% at half the cycle: at risk.
    expect(grow.locator(".objective__summary .progress__label")).to_have_text("35%")
    expect(grow.locator(".objective__summary .badge--status")).to_have_text("At risk")
    expect(page.get_by_test_id("count-at_risk").locator(".stat__value")).to_have_text("1")
    page.screenshot(path=screenshot_dir / "okr-home-desktop.png", full_page=True)

    waiting.get_by_role("link", name="Check in on Qualified leads").click()

    value = waiting.get_by_label("New value (leads)")
    expect(value).to_be_focused()
    expect(value).to_have_value("40")
    page.screenshot(path=screenshot_dir / "okr-check-in-form-desktop.png")
    value.fill("180")
    page.keyboard.press("Tab")
    expect(waiting.get_by_label("Confidence")).to_be_focused()
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    page.keyboard.type("Trade fair leads came in")
    page.keyboard.press("Enter")

    # The row in place, its copy under the objective, the objective and the counts.
    row = waiting.locator("[data-kr-row]").first
    expect(row).to_contain_text("Checked in")
    expect(row).to_contain_text("180 leads")
    expect(waiting.locator("[data-waiting-count]")).to_have_text("0")
    expect(grow.locator("[data-kr-row]").first).to_contain_text("180 leads")
    # (0.9 + 0.5) / 2 = 70%: on track now.
    expect(grow.locator(".objective__summary .progress__label")).to_have_text("70%")
    expect(grow.locator(".objective__summary .badge--status")).to_have_text("On track")
    expect(page.get_by_test_id("count-at_risk").locator(".stat__value")).to_have_text("0")
    expect(page.get_by_test_id("count-on_track").locator(".stat__value")).to_have_text("2")
    expect(row.get_by_role("link", name="Check in on Qualified leads")).to_be_focused()
    expect(page.locator("#live-region")).to_contain_text("Check-in saved on Qualified leads")
    assert page.url == f"{live_server.url}/"  # never left the page
    assert company["grow"].key_results.get(title="Qualified leads").current == 180
    page.screenshot(path=screenshot_dir / "okr-home-checked-in-desktop.png", full_page=True)
    assert console_errors == []


def test_check_in_on_the_objective_page_refuses_bad_input_then_updates_everything(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    grow = company["grow"]
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[grow.pk])}")
    progress = page.get_by_test_id("objective-progress")
    expect(progress).to_have_text("35%")
    expect(page.locator("[data-objective-chart][data-drawn]")).to_have_count(1)
    history = page.locator("[data-objective-check-ins]")
    expect(history.locator(".feed__item")).to_have_count(3)

    # Escape puts the row back without saving.
    page.get_by_role("link", name="Check in on Signed deals").click()
    page.get_by_label("New value").fill("9")
    page.keyboard.press("Escape")
    expect(page.locator("[data-kr-form]")).to_have_count(0)
    expect(page.get_by_role("link", name="Check in on Signed deals")).to_be_focused()

    # A word is refused with the field and the reason; a number goes through.
    page.get_by_role("link", name="Check in on Signed deals").click()
    page.get_by_label("New value").fill("nine")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator(".field__error")).to_have_text("Enter a number, such as 42 or 3.5.")
    expect(page.get_by_label("New value")).to_be_focused()
    page.get_by_label("New value").fill("9")
    page.get_by_label("Note").fill("Two contracts signed on Friday")
    page.get_by_role("button", name="Save check-in").click()

    # (0.2 + 0.9) / 2 = 55%; the chart, the history and the forecast follow.
    expect(progress).to_have_text("55%")
    expect(page.get_by_test_id("objective-status")).to_contain_text("On track")
    expect(history.locator(".feed__item")).to_have_count(4)
    expect(history.locator(".feed__item").first).to_contain_text("Two contracts signed on Friday")
    expect(page.locator("[data-kr-row]", has_text="Signed deals")).to_contain_text("Forecast")
    expect(page.locator("[data-objective-chart][data-drawn]")).to_have_count(1)
    assert page.url.endswith(reverse("objective_detail", args=[grow.pk]))
    page.screenshot(path=screenshot_dir / "okr-objective-desktop.png", full_page=True)
    assert console_errors == []


def test_the_board_filters_without_reloading_and_keeps_the_filters_in_the_address(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.viewer.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Objectives").click()
    titles = page.locator("#board-results .objective__title")
    expect(titles).to_have_count(4)
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Team", exact=True).select_option(str(company["big"].team_id))
    expect(titles).to_have_count(1)
    expect(titles.first).to_have_text("Land two enterprise logos")
    page.get_by_label("Team", exact=True).select_option(str(world.sales.pk))
    expect(titles).to_have_count(3)  # Sales and the team below it
    page.get_by_label("Kind").select_option("aspirational")
    expect(titles).to_have_text(["Tidy the CRM"])
    assert "kind=aspirational" in page.url
    assert page.evaluate("window.__sameDocument") is True  # no reload

    page.get_by_test_id("clear-filters").click()
    expect(titles).to_have_count(4)
    page.get_by_test_id("count-stale").click()
    expect(titles).to_have_text(["Tidy the CRM"])
    assert "status=stale" in page.url
    expect(page.get_by_label("Status", exact=True)).to_have_value("stale")
    page.screenshot(path=screenshot_dir / "okr-board-desktop.png", full_page=True)

    page.go_back()
    expect(titles).to_have_count(4)
    # The address alone rebuilds a filtered board.
    page.goto(f"{live_server.url}{reverse('cycles')}?status=stale")
    expect(titles).to_have_text(["Tidy the CRM"])
    assert console_errors == []


def test_the_alignment_tree_folds_and_shows_unaligned_objectives(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.viewer.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alignment").click()
    win = page.locator(f"[data-tree-node='{company['win'].pk}']")
    big = win.locator(f"[data-tree-node='{company['big'].pk}']")
    expect(big).to_be_visible()
    expect(page.locator("#unaligned")).to_contain_text("Tidy the CRM")
    page.screenshot(path=screenshot_dir / "okr-alignment-desktop.png", full_page=True)

    # Fold with the keyboard, open again.
    toggle = win.get_by_role("button", name="1 objective supporting Win retail")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(big).to_be_hidden()
    page.keyboard.press("Space")
    expect(big).to_be_visible()
    page.get_by_role("button", name="Collapse all").click()
    expect(big).to_be_hidden()
    assert console_errors == []


@pytest.fixture
def large_company(
    company: dict[str, Objective], world: World, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Objective]:
    """The same company shown as a large one is: the tree a level at a time, one team a page."""
    monkeypatch.setattr(alignment_page, "TREE_OPEN_UP_TO", 0)
    monkeypatch.setattr(board_page, "BOARD_TEAMS", 1)
    return company


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_a_large_tree_opens_a_level_at_a_time_and_the_search_reaches_deep(
    page: Page,
    live_server: LiveServer,
    world: World,
    large_company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
    viewport: str,
) -> None:
    company = large_company
    if viewport == "mobile":
        page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.viewer.user.email)
    page.goto(f"{live_server.url}{reverse('alignment')}")
    win = page.locator(f"[data-tree-node='{company['win'].pk}']")
    grow = page.locator(f"[data-tree-node='{company['grow'].pk}']")
    expect(win).to_contain_text("1 supporting")
    expect(grow).to_have_count(0)  # not loaded yet

    # Open a node with the keyboard: its supporting objectives load, one level of them.
    toggle = win.get_by_role("button", name="1 objective supporting Win retail")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(grow).to_be_visible()
    expect(grow).to_contain_text("1 supporting")
    expect(page.locator(f"[data-tree-node='{company['big'].pk}']")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(grow).to_be_hidden()
    page.keyboard.press("Enter")
    expect(grow).to_be_visible()
    page.screenshot(path=screenshot_dir / f"okr-alignment-large-{viewport}.png", full_page=True)

    # The search reaches an objective three levels down and shows its path.
    search = page.get_by_label("Search objectives, owners and teams")
    search.fill("logos")
    results = page.get_by_test_id("tree-search-results")
    expect(results).to_contain_text("1 objective matches")
    hit = results.locator(f"[data-search-hit='{company['big'].pk}']")
    expect(hit.locator(".search-hit__path li")).to_have_text(["Win retail", "Grow the pipeline"])
    page.screenshot(path=screenshot_dir / f"okr-alignment-search-{viewport}.png", full_page=True)
    hit.get_by_role("link", name="Show in the tree").click()
    expect(page.locator(".tree__row.is-focused")).to_contain_text("Land two enterprise logos")
    search = page.get_by_label("Search objectives, owners and teams")
    search.fill("zebra")
    expect(page.get_by_test_id("tree-search-results")).to_contain_text("No objective matches")
    search.press("Escape")
    expect(page.get_by_test_id("tree-search-results")).to_be_empty()

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert console_errors == []


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_board_pages_by_team_and_searches_teams(
    page: Page,
    live_server: LiveServer,
    world: World,
    large_company: dict[str, Objective],
    screenshot_dir: Path,
    console_errors: list[str],
    viewport: str,
) -> None:
    if viewport == "mobile":
        page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.viewer.user.email)
    page.goto(f"{live_server.url}{reverse('cycles')}")
    sections = page.locator("#board-results .team-group__title")
    expect(sections).to_have_count(1)
    expect(page.get_by_test_id("board-page")).to_have_text("Page 1 of 3")
    expect(page.get_by_test_id("count-on_track")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"okr-board-paged-{viewport}.png", full_page=True)

    page.get_by_test_id("board-next").click()
    expect(page.get_by_test_id("board-page")).to_have_text("Page 2 of 3")
    assert "page=2" in page.url
    # The page of teams was swapped in by htmx: its search box listens once htmx has
    # settled the swap (a loaded machine takes longer), so type only then.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    page.get_by_test_id("team-search").fill("enterprise")
    expect(sections).to_have_text(["Enterprise 1"])
    expect(page.get_by_test_id("board-pager")).to_have_count(0)
    assert "q=enterprise" in page.url

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert console_errors == []


def test_the_objective_page_leads_to_its_place_in_the_tree(
    page: Page, live_server: LiveServer, world: World, company: dict[str, Objective]
) -> None:
    big = company["big"]
    log_in(page, live_server.url, world.viewer.user.email)
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[big.pk])}")
    path = page.get_by_test_id("alignment-path")
    expect(path.locator(".path__item")).to_have_count(3)
    expect(path.locator(".path__item").first).to_contain_text("Win retail")

    page.get_by_role("link", name="See it in the alignment tree").click()

    expect(page.locator(".tree__row.is-focused")).to_contain_text("Land two enterprise logos")


@pytest.mark.parametrize("name", ["home", "board", "objective", "alignment"])
def test_the_pages_fit_a_phone(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective],
    screenshot_dir: Path,
    name: str,
) -> None:
    urls = {
        "home": reverse("home"),
        "board": reverse("cycles"),
        "objective": reverse("objective_detail", args=[company["grow"].pk]),
        "alignment": reverse("alignment"),
    }
    log_in(page, live_server.url, world.editor.user.email)
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}{urls[name]}")
    if name == "board":
        page.locator(".objective__toggle").first.click()
    if name != "alignment":
        page.locator("[data-check-in-open]").first.click()
        expect(page.locator("[data-kr-form]")).to_have_count(1)

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    page.screenshot(path=screenshot_dir / f"okr-{name}-mobile.png", full_page=True)
    assert overflow <= 0
