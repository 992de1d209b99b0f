"""Writing OKRs in a real browser: an objective and key results of three kinds, live
validation while typing, the coach's remarks, editing; and the same without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import Cycle, KeyResult, Objective
from tests.browser.conftest import DESKTOP, MOBILE, log_in, pick, pickers_ready
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editor_page(page: Page, live_server: LiveServer, world: World) -> Page:
    log_in(page, live_server.url, world.editor.user.email)
    return page


def choose_kind(page: Page, label: str) -> None:
    page.get_by_role("radio", name=re.compile(f"^{label}")).check()


def test_an_objective_and_three_key_results_written_through_the_forms(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    editor_page(page, live_server, world)
    page.goto(f"{live_server.url}{reverse('objective_create')}?cycle={world.cycle.pk}")

    title = page.get_by_label("Title", exact=True)
    expect(title).to_be_focused()
    title.fill("Grow the partner channel")
    coach = page.get_by_test_id("coach")
    # Nothing typed in the key result row yet: the coach does not count key results.
    expect(coach.get_by_test_id("coach-ok")).to_be_visible()
    pick(page, "Team", "Sal", "Sales")
    page.get_by_role("radio", name=re.compile("^Aspirational")).check()
    title.press("Enter")

    # Saving then opening the new objective's page: allow a loaded machine its time.
    expect(page.get_by_test_id("objective-title")).to_have_text(
        "Grow the partner channel", timeout=30_000
    )
    objective = Objective.objects.get(title="Grow the partner channel")
    # The key results one by one, on the single key result form.
    page.goto(f"{live_server.url}{reverse('key_result_create', args=[objective.pk])}")
    expect(page.get_by_role("heading", name="Add key result 1")).to_be_visible()

    # 1. Increase: target == start is refused while typing, then fixed.
    page.get_by_label("Title", exact=True).fill("Partner-sourced deals per quarter")
    page.get_by_label("Start", exact=True).fill("10")
    page.get_by_label("Target", exact=True).fill("10")
    target_error = page.locator("#id_target_error")
    expect(target_error).to_have_text("target must differ from start")
    expect(page.get_by_label("Target", exact=True)).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=screenshot_dir / "okr-kr-live-error-desktop.png", full_page=True)
    page.get_by_label("Target", exact=True).fill("40")
    expect(target_error).to_be_empty()
    expect(page.get_by_label("Target", exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Low bound")).to_be_hidden()
    page.get_by_test_id("add-key-result").click()

    # 2. Decrease.
    expect(page.get_by_role("heading", name="Add key result 2")).to_be_visible()
    expect(page.get_by_test_id("key-result-list")).to_contain_text("Partner-sourced deals")
    page.get_by_label("Title", exact=True).fill("Days to onboard a partner")
    choose_kind(page, "Decrease")
    page.get_by_label("Start", exact=True).fill("30")
    page.get_by_label("Target", exact=True).fill("10")
    page.get_by_label("Unit").fill("days")
    page.get_by_test_id("add-key-result").click()

    # 3. Milestone: no numbers, and the coach says it reads like a task.
    expect(page.get_by_role("heading", name="Add key result 3")).to_be_visible()
    choose_kind(page, "Milestone")
    expect(page.get_by_label("Start", exact=True)).to_be_hidden()
    expect(page.get_by_role("combobox", name="Read from a KPI")).to_be_hidden()
    page.get_by_label("Title", exact=True).fill("Launch the partner portal")
    remark = page.get_by_test_id("remark-task_not_result")
    expect(remark).to_contain_text("Key result 3 reads like a task with no metric")
    expect(remark).to_contain_text("A key result states the outcome a task should bring")
    page.screenshot(path=screenshot_dir / "okr-kr-coach-desktop.png", full_page=True)
    page.get_by_test_id("add-and-finish").click()

    expect(page).to_have_url(f"{live_server.url}{reverse('objective_detail', args=[objective.pk])}")
    kinds = list(
        KeyResult.objects.filter(objective=objective)
        .order_by("position")
        .values_list("kind", "start", "target")
    )
    assert kinds == [("increase", 10, 40), ("decrease", 30, 10), ("milestone", None, None)]

    # Edit the objective from its page.
    page.get_by_test_id("edit-objective").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Grow the partner channel")
    page.get_by_label("Title", exact=True).fill("Grow the partner channel to a third of sales")
    page.get_by_test_id("save-objective").click()
    expect(page.get_by_test_id("objective-title")).to_have_text(
        "Grow the partner channel to a third of sales"
    )
    assert console_errors == []


def test_a_failed_submit_moves_the_focus_to_the_first_wrong_field(
    page: Page, live_server: LiveServer, world: World
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    editor_page(page, live_server, world)
    page.goto(f"{live_server.url}{reverse('key_result_create', args=[objective.pk])}")

    page.get_by_label("Title", exact=True).fill("Qualified leads")
    page.get_by_label("Weight").fill("0")
    page.get_by_test_id("add-key-result").click()

    expect(page.get_by_test_id("form-errors")).to_contain_text("Start: is required")
    expect(page.get_by_label("Weight")).to_be_focused()
    expect(page.locator("#id_weight_error")).to_have_text("must be more than 0 and at most 1000")
    expect(page.locator("#id_start_error")).to_have_text("is required for increase key results")
    expect(page.get_by_label("Weight")).to_have_attribute(
        "aria-describedby", "id_weight_help id_weight_error"
    )


def test_the_objective_form_on_a_phone_with_an_error_and_the_coach(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    editor_page(page, live_server, world)
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}{reverse('objective_create')}")

    page.get_by_label("Title", exact=True).fill("Launch")
    page.get_by_label("Title", exact=True).fill("")
    expect(page.locator("#id_title_error")).to_have_text("an objective needs a title")
    # Nothing typed any more: the coach says what it does rather than judging an empty form.
    expect(page.get_by_test_id("coach-idle")).to_be_visible()
    page.screenshot(path=screenshot_dir / "okr-objective-form-live-mobile.png", full_page=True)

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_without_javascript_every_field_shows_and_the_form_still_works(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(world.editor.user.email)
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}{reverse('key_result_create', args=[objective.pk])}")

        expect(page.get_by_label("Low bound")).to_be_visible()
        expect(page.get_by_label("Start", exact=True)).to_be_visible()
        page.get_by_label("Title", exact=True).fill("Uptime")
        page.get_by_role("radio", name=re.compile("^Maintain")).check()
        page.get_by_label("Start", exact=True).fill("5")  # ignored: not a maintain number
        page.get_by_label("Low bound").fill("99.5")
        page.get_by_test_id("add-and-finish").click()

        kr = KeyResult.objects.get(objective=objective)
        assert (kr.kind, kr.low, kr.high, kr.start) == ("maintain", 99.5, None, None)
    finally:
        context.close()


def test_choosing_another_cycle_offers_its_objectives_to_support(
    page: Page, live_server: LiveServer, world: World
) -> None:
    factories.objective(world.cycle, world.company, "This quarter's goal", owner=world.admin)
    upcoming = Cycle.objects.create(
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    factories.objective(upcoming, world.company, "Next quarter's goal", owner=world.admin)
    editor_page(page, live_server, world)
    page.goto(f"{live_server.url}{reverse('objective_create')}?cycle={world.cycle.pk}")
    dropdown = page.locator("#id_aligned_0_objective-ts-dropdown")
    pickers_ready(page)
    page.get_by_role("combobox", name="Objective", exact=True).focus()
    page.keyboard.type("goal")
    expect(dropdown.get_by_role("option", name=re.compile("This quarter's goal"))).to_have_count(1)
    expect(dropdown.get_by_role("option", name=re.compile("Next quarter's goal"))).to_have_count(0)
    for _ in "goal":
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")

    page.get_by_label("Cycle").select_option(value=str(upcoming.pk))
    page.get_by_role("combobox", name="Objective", exact=True).focus()
    page.keyboard.type("goal")

    expect(dropdown.get_by_role("option", name=re.compile("Next quarter's goal"))).to_have_count(1)
    expect(dropdown.get_by_role("option", name=re.compile("This quarter's goal"))).to_have_count(0)
