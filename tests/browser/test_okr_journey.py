"""The whole OKR journey in a real browser, as a person would walk it.

Log in through the form; from the company's objective, write a supporting objective with
three key results; check in on one and see the progress move; find the new objective under
its parent in the alignment tree; close the cycle with final scores; find it locked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import Cycle, CycleState, Objective
from tests.browser.conftest import log_in, pick
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_key_result(page: Page, row: int, title: str, kind: str, **numbers: str) -> None:
    """Fill key result row `row` (from 0) of the objective's page."""
    page.locator(f"[name='kr-{row}-title']").fill(title)
    page.locator(f"[name='kr-{row}-kind']").select_option(kind)
    for name, value in numbers.items():
        page.locator(f"[name='kr-{row}-{name}']").fill(value)


def test_plan_check_in_align_and_close_a_cycle(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    base = live_server.url
    parent = factories.objective(
        world.cycle, world.company, "Be the reference in retail analytics", owner=world.admin
    )
    factories.key_result(parent, "Reference customers", target=10, check_ins=[(5, timezone.now())])

    # Log in through the form.
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login/?next=/")
    log_in(page, base, world.admin.user.email)

    # From the company's objective, write one that supports it.
    page.goto(f"{base}{reverse('objective_detail', args=[parent.pk])}")
    page.get_by_role("link", name="Supporting objective").click()
    expect(page.locator("select[name=aligned_0_objective]")).to_have_value(str(parent.pk))
    page.get_by_label("Title", exact=True).fill("Win the mid-market")
    pick(page, "Team", "Sal", "Sales")

    # Its three key results, on the same page, saved with it.
    add_key_result(page, 0, "Qualified leads", "increase", start="0", target="100")
    page.get_by_test_id("add-row").click()
    add_key_result(page, 1, "Days to close a deal", "decrease", start="60", target="30")
    page.get_by_test_id("add-row").click()
    add_key_result(page, 2, "Mid-market pricing page live", "milestone")
    page.get_by_test_id("save-objective").click()
    expect(page.get_by_test_id("objective-progress")).to_be_visible()

    objective = Objective.objects.get(title="Win the mid-market")
    assert objective.parent == parent
    assert objective.key_results.count() == 3
    expect(page).to_have_url(f"{base}{reverse('objective_detail', args=[objective.pk])}")
    progress = page.get_by_test_id("objective-progress")
    expect(progress).to_have_text("0%")

    # Check in on the first key result, on the objective's page.
    page.get_by_role("link", name="Check in on Qualified leads").click()
    page.get_by_label("New value").fill("60")
    page.get_by_label("Confidence").fill("7")
    page.get_by_role("button", name="Save check-in").click()
    # 0.6, 0 and 0 over three key results of weight 1.
    expect(progress).to_have_text("20%")
    page.screenshot(path=screenshot_dir / "okr-journey-checked-in-desktop.png", full_page=True)

    # The alignment tree shows it under its parent, with its progress.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alignment").click()
    parent_node = page.locator(f"[data-tree-node='{parent.pk}']")
    child_node = parent_node.locator(f"[data-tree-node='{objective.pk}']")
    expect(child_node.locator(".tree__title").first).to_have_text("Win the mid-market")
    expect(child_node.locator(".progress__label").first).to_have_text("20%")

    # Close the cycle: scores prefilled from progress, one note written.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Objectives").click()
    page.get_by_role("link", name="Manage cycles").click()
    page.get_by_test_id("cycle-2026-Q4").get_by_test_id("close").click()
    ours = page.get_by_test_id(f"closing-{objective.pk}")
    expect(ours.get_by_label("Final score")).to_have_value("0.2")
    expect(page.get_by_test_id(f"closing-{parent.pk}").get_by_label("Final score")).to_have_value(
        "0.5"
    )
    ours.get_by_label("Retrospective").fill("Pricing shipped late; leads came in week 9.")
    page.screenshot(path=screenshot_dir / "okr-journey-close-desktop.png")
    page.get_by_test_id("close-cycle").click()

    expect(page).to_have_url(f"{base}{reverse('cycle_list')}")
    expect(page.get_by_test_id("cycle-2026-Q4").get_by_test_id("state")).to_have_text("Closed")
    world.cycle.refresh_from_db()
    objective.refresh_from_db()
    assert world.cycle.state == CycleState.CLOSED
    assert (objective.state, objective.final_score) == ("closed", 0.2)
    assert objective.retrospective == "Pricing shipped late; leads came in week 9."

    # Locked: the objective's page offers no edit and no check-in; the form refuses.
    page.goto(f"{base}{reverse('objective_detail', args=[objective.pk])}")
    expect(page.get_by_test_id("objective-status")).to_have_text("Closed")
    expect(page.get_by_test_id("edit-objective")).to_have_count(0)
    expect(page.get_by_role("link", name="Check in on Qualified leads")).to_have_count(0)
    page.goto(f"{base}{reverse('objective_edit', args=[objective.pk])}")
    expect(page.get_by_test_id("locked")).to_contain_text("2026-Q4 is closed")
    expect(page.get_by_label("Title", exact=True)).to_be_disabled()
    assert console_errors == []


def test_the_next_cycle_continues_where_the_last_one_ended(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """After closing: create the next quarter in one click, carry over, activate."""
    base = live_server.url
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    factories.key_result(
        grow, "Qualified leads", start=0, target=100, check_ins=[(40, timezone.now())]
    )
    log_in(page, base, world.admin.user.email)

    page.goto(f"{base}{reverse('cycle_close', args=[world.cycle.pk])}")
    page.get_by_test_id("close-cycle").click()
    page.get_by_test_id("new-cycle").click()
    # The next fiscal quarter without a cycle, whatever today is.
    preset = page.locator(".preset").first
    name = preset.locator(".preset__name").inner_text()
    preset.get_by_role("button", name=f"Create {name}").click()
    expect(page.get_by_test_id(f"cycle-{name}").get_by_test_id("state")).to_have_text("Planning")

    page.get_by_test_id("cycle-2026-Q4").get_by_test_id("carry-over").click()
    target = Cycle.objects.get(name=name)
    page.get_by_label("Into the cycle").select_option(value=str(target.pk))
    expect(page.get_by_label("Grow the pipeline")).to_be_checked()
    page.get_by_test_id("carry-over").click()

    copy = Objective.objects.get(title="Grow the pipeline", cycle__name=name)
    key_result = copy.key_results.get()
    assert (key_result.start, key_result.target) == (40, 100)
    page.goto(f"{base}{reverse('cycle_list')}")
    page.get_by_test_id(f"cycle-{name}").get_by_test_id("activate").click()
    expect(page.get_by_test_id(f"cycle-{name}").get_by_test_id("state")).to_have_text("Active")
