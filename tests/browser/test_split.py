"""Splitting "$600k MRR" among three salespeople in Chromium: the rows picked with the
keyboard, the preview telling how far typed amounts miss, the split, then each share
checked in, and the parent's value, the alignment tree and the strategy map following."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import Person, Role
from goalkeeper.accounts.services import add_member, add_person
from goalkeeper.okrs import services
from goalkeeper.okrs.models import KeyResult, Objective
from tests.browser.conftest import MOBILE, log_in, pickers_ready
from tests.conftest import PASSWORD, World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)
SELLERS = ("Sam Seller", "Sid Seller", "Sue Seller")


@pytest.fixture
def mrr(world: World) -> KeyResult:
    """The world's cycle around today, a company objective with "Reach $600k MRR", and
    three salespeople in Sales."""
    today = timezone.localdate()
    world.cycle.start_date = today - 30 * DAY
    world.cycle.end_date = today + 60 * DAY
    world.cycle.save()
    for name in SELLERS:
        person = add_person(
            actor=None,
            workspace=world.acme,
            email=f"{name.split()[0].lower()}@acme.test",
            name=name,
            role=Role.EDITOR,
            password=PASSWORD,
        )
        add_member(actor=None, team=world.sales, person=person)
    revenue = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    factories.key_result(revenue, "Win new logos", target=20)
    return factories.key_result(revenue, "Reach $600k MRR", start=0, target=600_000, unit="$")


def pick_in_row(page: Page, row: int, typed: str, choice: str) -> None:
    """Choose a person in the split row `row` with the keyboard."""
    pickers_ready(page)
    combobox = page.locator(f'[data-split-row="{row}"]').get_by_role("combobox", name="Person")
    # The combobox's own input, not the select it replaces (hidden once it has taken over).
    expect(combobox).to_be_visible()
    combobox.focus()
    dropdown = page.locator(".ts-dropdown:visible")
    # The search on focus answers first (the first people); typing then narrows it.
    dropdown.get_by_role("option").first.wait_for()
    page.keyboard.type(typed)
    # Only the answer to what is typed is listed: one option, made active with the arrows.
    expect(dropdown.get_by_role("option")).to_have_count(1)
    option = dropdown.get_by_role("option", name=re.compile(re.escape(choice)))
    while "active" not in (option.get_attribute("class") or ""):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(f'[data-split-row="{row}"] .picker__item')).to_contain_text(choice)


def test_split_600k_mrr_among_three_salespeople_and_watch_it_add_up(
    page: Page,
    live_server: LiveServer,
    world: World,
    mrr: KeyResult,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[mrr.objective_id])}")
    # The row's "More" menu.
    more = page.get_by_test_id("kr-more").filter(has_text="More actions for Reach $600k MRR")
    more.locator("summary").click()
    split = page.get_by_role("link", name="Split the target of Reach $600k MRR")
    expect(split).to_be_visible()
    split.click()
    expect(page.get_by_role("heading", name="Split the target")).to_be_visible()

    # Amounts: the form changes to amount fields in place.
    page.get_by_label("Amounts").check()
    expect(page.locator('[data-split-row="0"]').get_by_label("Amount")).to_be_visible()
    for row, name in enumerate(SELLERS):
        pick_in_row(page, row, name.split()[0], name)

    rows = [page.locator(f'[data-split-row="{row}"]').get_by_label("Amount") for row in range(3)]
    rows[0].fill("250000")
    rows[1].fill("200000")
    rows[2].fill("100000")
    difference = page.get_by_test_id("split-difference")
    expect(difference).to_have_text(
        "The amounts add up to 550,000, 50,000 short of 600,000.", timeout=5_000
    )
    expect(page.get_by_test_id("split-total")).to_have_text("$550,000")
    rows[2].fill("150000")
    expect(difference).to_have_count(0)
    expect(page.get_by_test_id("split-total")).to_have_text("$600,000")
    expect(page.locator('[data-preview-row="0"]')).to_contain_text("Sam Seller")
    expect(page.locator('[data-preview-row="0"]')).to_contain_text("$250,000")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(screenshot_dir / "split-desktop.png"), full_page=True)

    # Add and remove a row with the keyboard: the rows typed so far stay.
    page.get_by_test_id("split-add").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-split-row]")).to_have_count(4)
    page.get_by_role("button", name="Remove share 4").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-split-row]")).to_have_count(3)
    expect(page.locator('[data-split-row="2"]').get_by_label("Amount")).to_have_value("150000")

    page.get_by_test_id("split-submit").click()
    page.wait_for_url(re.compile(rf"/objectives/{mrr.objective_id}/$"))
    expect(page.locator(".messages")).to_contain_text("Sam Seller: $250,000")
    contributors = page.locator(f'[data-contributors-of="{mrr.pk}"]')
    expect(contributors.locator("[data-contributor]")).to_have_count(3)
    page.screenshot(path=str(screenshot_dir / "split-done-desktop.png"), full_page=True)

    # The owners activate their drafts (the tree and the map leave drafts out).
    shares = list(KeyResult.objects.filter(contributes_to=mrr).select_related("objective"))
    for share in shares:
        services.update_objective(actor=world.admin, objective=share.objective, state="active")

    # Each salesperson checks in on their share, on their objective's page.
    for share, value in zip(shares, ("100000", "80000", "60000"), strict=True):
        page.goto(f"{live_server.url}{reverse('objective_detail', args=[share.objective_id])}")
        page.get_by_role("link", name=f"Check in on {share.title}").click()
        page.get_by_label("New value").fill(value)
        page.get_by_role("button", name="Save check-in").click()
        expect(page.locator(f'[data-kr-row="{share.pk}"]')).to_contain_text(f"${int(value):,}")

    # The parent adds them up.
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[mrr.objective_id])}")
    expect(page.locator(f'[data-kr-row="{mrr.pk}"]')).to_contain_text("$240,000")
    expect(page.get_by_test_id("adds-up")).to_contain_text("Adds up 3 contributors")
    expect(contributors).to_contain_text("$100,000")

    # The alignment tree places the salespeople's objectives under the key result.
    page.goto(f"{live_server.url}/alignment/")
    tree = page.locator("[data-tree]").first
    expect(tree).to_contain_text("Grow revenue")
    expect(tree).to_contain_text("Contribute to: Reach $600k MRR")
    expect(tree).to_contain_text("Reach $600k MRR")

    # The strategy map shows them too.
    page.goto(f"{live_server.url}/alignment/map/")
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")
    expect(page.locator(".map-list")).to_contain_text("Contribute to: Reach $600k MRR")
    page.screenshot(path=str(screenshot_dir / "split-map.png"), full_page=True)

    # On a phone: the rows stack, the shortfall is told.
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}{reverse('key_result_split', args=[mrr.pk])}")
    page.get_by_label("Amounts").check()
    expect(page.locator('[data-split-row="0"]').get_by_label("Amount")).to_be_visible()
    pick_in_row(page, 0, "Sam", "Sam Seller")
    page.locator('[data-split-row="0"]').get_by_label("Amount").fill("500000")
    for row in (1, 2):
        page.locator(f'[data-split-row="{row}"]').get_by_label("Amount").fill("40000")
    expect(page.get_by_test_id("split-difference")).to_contain_text("20,000 short of 600,000")
    page.screenshot(path=str(screenshot_dir / "split-mobile.png"), full_page=True)

    assert Objective.objects.filter(title="Contribute to: Reach $600k MRR").count() == 3
    assert {p.name for p in Person.objects.filter(objectives__title__startswith="Contribute")} == (
        set(SELLERS)
    )
    assert console_errors == []
