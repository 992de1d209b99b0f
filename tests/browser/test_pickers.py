"""Pickers and the people list in a real browser: type, choose with the keyboard, submit;
search and page through people. Screenshots at desktop and phone widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.models import Person
from goalkeeper.accounts.services import add_member, add_person
from goalkeeper.okrs.models import Objective
from tests.browser.conftest import MOBILE, log_in, pick, pickers_ready
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def crowd(world: World, count: int) -> list[Person]:
    people = [
        add_person(
            actor=None,
            workspace=world.acme,
            email=f"person{n}@acme.test",
            name=f"Pat {n:03d}",
            title="Account manager" if n % 2 else "Engineer",
        )
        for n in range(count)
    ]
    add_member(actor=None, team=world.sales, person=people[7])
    return people


def test_an_owner_is_found_by_typing_and_chosen_with_the_keyboard(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    crowd(world, 30)
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_edit', args=[objective.pk])}")

    pickers_ready(page)
    owner = page.get_by_role("combobox", name="Owner")
    owner.focus()
    page.keyboard.type("pat 01")
    options = page.locator(".ts-dropdown").get_by_role("option")
    expect(options.first).to_contain_text("Pat 010")
    expect(options).to_have_count(10)
    page.screenshot(path=screenshot_dir / "picker-owner-desktop.png", full_page=False)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("select[name=owner] + .ts-wrapper")).to_contain_text("Pat 011")
    page.get_by_test_id("save-objective").click()

    expect(page.get_by_test_id("objective-title")).to_have_text("Grow")
    assert Objective.objects.get(pk=objective.pk).owner.name == "Pat 011"
    assert console_errors == []


def test_a_team_and_a_parent_are_picked_on_a_phone(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    factories.objective(world.cycle, world.company, "Be the reference", owner=world.admin)
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_create')}?cycle={world.cycle.pk}")

    page.get_by_label("Title", exact=True).fill("Win the north")
    pick(page, "Team", "Acm", "Acme")
    # The team's list may still be open with its first answer: Escape closes it, as a
    # person would before moving on.
    page.keyboard.press("Escape")
    expect(page.get_by_role("combobox", name="Team")).not_to_have_attribute("aria-expanded", "true")
    supports = page.get_by_role("combobox", name="Objective", exact=True)
    # A tap on the next field, as on a phone: the team's list closes, this one opens.
    supports.click()
    page.keyboard.type("refer")
    dropdown = page.locator(".ts-dropdown")
    # The search waits for typing to pause, then asks the server: allow for a busy machine.
    option = dropdown.get_by_role("option", name=re.compile("Be the reference"))
    expect(option).to_be_visible(timeout=30_000)
    # Enter chooses the active option: the first of the answer, once it is shown.
    expect(option).to_have_class(re.compile(r"\bactive\b"), timeout=30_000)
    page.screenshot(path=screenshot_dir / "picker-parent-mobile.png", full_page=False)
    page.keyboard.press("Enter")
    # The choice shows in the control before the form is sent.
    expect(page.locator(".ts-control .item", has_text="Be the reference")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Create")).click()

    created = Objective.objects.get(title="Win the north")
    assert (created.team.name, created.parent.title) == ("Acme", "Be the reference")


def test_people_admin_searches_as_you_type_and_pages(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    crowd(world, 120)
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}{reverse('admin_people')}")

    rows = page.locator(".people-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.get_by_test_id("people-count")).to_have_text("1\u201350 of 124")
    page.get_by_test_id("people-pager").get_by_role("link", name="Next").click()
    expect(page.get_by_test_id("people-count")).to_have_text("51\u2013100 of 124")
    page.screenshot(path=screenshot_dir / "people-admin-desktop.png", full_page=True)

    page.get_by_role("main").get_by_label("Search").fill("sales")  # a team's name finds its members
    expect(page.get_by_test_id("people-count")).to_have_text("1\u20132 of 2")
    expect(rows).to_have_count(2)
    assert "q=sales" in page.url

    page.set_viewport_size(MOBILE)
    page.get_by_role("main").get_by_label("Search").fill("pat 11")
    expect(rows).to_have_count(10)
    page.screenshot(path=screenshot_dir / "people-admin-mobile.png", full_page=True)
