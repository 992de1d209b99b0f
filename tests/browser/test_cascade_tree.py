"""The cascade in Chromium: align an objective to a key result of another team's objective
(and to a second parent) through the form, from the keyboard, then find it under that key
result on its page, in the alignment tree and on the strategy map, at desktop and phone
widths."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs.models import Alignment, KeyResult, Objective
from tests.browser.conftest import MOBILE, log_in, pickers_ready
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.timedelta(days=1)


@pytest.fixture
def company(world: World) -> dict[str, Objective | KeyResult]:
    """Around today: the company's "Grow revenue" whose "$600k MRR" adds up its
    contributors, one of them in Sales; a second company objective; a Sales objective
    aligned to nothing yet."""
    today = timezone.localdate()
    world.cycle.start_date = today - 45 * DAY
    world.cycle.end_date = today + 45 * DAY
    world.cycle.save()
    revenue = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    mrr = factories.key_result(revenue, "Reach $600k MRR", target=600, rollup="sum")
    delight = factories.objective(
        world.cycle, world.company, "Delight customers", owner=world.admin
    )
    factories.key_result(delight, "NPS", target=50)
    team = factories.objective(world.cycle, world.sales, "Sell to mid-market", owner=world.editor)
    factories.key_result(team, "Alice's MRR", target=200, contributes_to=mrr)
    return {"revenue": revenue, "mrr": mrr, "delight": delight, "team": team}


def choose(page: Page, combobox: Locator, typed: str, choice: str) -> None:
    """Type into a picker and choose with the keyboard, as `tests.browser.conftest.pick`."""
    pickers_ready(page)
    combobox.focus()
    page.keyboard.type(typed)
    option = page.locator(".ts-dropdown").get_by_role("option", name=re.compile(re.escape(choice)))
    option.first.wait_for()
    while "active" not in (option.first.get_attribute("class") or ""):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # The choice is checked by the server as the form is filled in; its answer must land
    # before the next step adds or renumbers rows, or its errors aim at rows that moved.
    page.wait_for_load_state("networkidle")


def row(page: Page, n: int) -> Locator:
    return page.locator(f'[data-aligned-row="{n}"]')


def test_align_to_a_key_result_and_see_it_in_the_tree_and_the_map(
    page: Page,
    live_server: LiveServer,
    world: World,
    company: dict[str, Objective | KeyResult],
    console_errors: list[str],
    screenshot_dir: Path,
) -> None:
    team, mrr = company["team"], company["mrr"]
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/objectives/{team.pk}/edit/")

    # The primary parent: a key result of the company's objective, named with it.
    choose(
        page,
        row(page, 0).get_by_role("combobox", name="Or one of its key results"),
        "600k",
        "Reach $600k MRR — Grow revenue",
    )
    # A second parent: a new row from the keyboard, its picker focused.
    page.get_by_role("button", name="Add another parent").focus()
    page.keyboard.press("Enter")
    expect(row(page, 1)).to_contain_text("Also supports")
    expect(row(page, 0)).to_contain_text("Reach $600k MRR — Grow revenue")
    choose(
        page, row(page, 1).get_by_role("combobox", name="Objective"), "Delight", "Delight customers"
    )
    page.screenshot(path=screenshot_dir / "cascade-objective-form-desktop.png", full_page=True)
    page.get_by_test_id("save-objective").click()

    page.wait_for_url(f"{live_server.url}/objectives/{team.pk}/")
    parents = page.get_by_test_id("objective-parents")
    expect(parents.locator("li").nth(0)).to_contain_text("Contributes to Reach $600k MRR")
    expect(parents.locator("li").nth(1)).to_contain_text("Also supports Delight customers")
    expect(page.get_by_test_id("contributes-to")).to_contain_text("Contributes to Reach $600k MRR")
    team.refresh_from_db()
    assert (team.parent_id, team.parent_key_result_id) == (company["revenue"].pk, mrr.pk)
    assert Alignment.objects.filter(objective=team, parent=company["delight"]).exists()
    page.screenshot(path=screenshot_dir / "cascade-objective-page-desktop.png", full_page=True)

    # The company's key result lists what it adds up, with no check-in of its own.
    page.goto(f"{live_server.url}/objectives/{company['revenue'].pk}/")
    expect(page.get_by_test_id("adds-up")).to_contain_text("Adds up 1 contributor")
    expect(page.locator(f'[data-contributors-of="{mrr.pk}"]')).to_contain_text("Alice's MRR")

    # The tree: under the company objective, via its key result, also supporting the other.
    page.goto(f"{live_server.url}/alignment/")
    node = page.locator(f"#node-{team.pk}")
    expect(page.locator(f"#node-{company['revenue'].pk} #node-{team.pk}")).to_be_visible()
    expect(node.locator(".tree__via")).to_contain_text("via KR: Reach $600k MRR")
    expect(node.locator("[data-tree-also]")).to_contain_text("Also supports Delight customers")
    page.screenshot(path=screenshot_dir / "cascade-tree-desktop.png", full_page=True)

    # The map: the key result is a node, the objective hangs below it.
    page.goto(f"{live_server.url}/alignment/map/")
    page.wait_for_selector("[data-strategy-map][data-ready]", state="attached")
    expect(
        page.locator(".map-chart svg text", has_text="KR: Reach $600k MRR").first
    ).to_be_visible()
    kr_item = page.locator(f'.map-list [data-key="kr-{mrr.pk}"]')
    expect(kr_item.locator(f'[data-key="objective-{team.pk}"]')).to_be_visible()
    expect(page.locator(".map-list")).to_contain_text("also supports")
    page.screenshot(path=screenshot_dir / "cascade-map-desktop.png", full_page=True)

    # On a phone: the same pages, nothing hidden sideways.
    page.set_viewport_size(MOBILE)
    for name, path in (
        ("objective-form", f"/objectives/{team.pk}/edit/"),
        ("objective-page", f"/objectives/{team.pk}/"),
        ("tree", "/alignment/"),
        ("map", "/alignment/map/"),
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name} is {width}px wide on a phone"
        page.screenshot(path=screenshot_dir / f"cascade-{name}-mobile.png", full_page=True)
    assert console_errors == []
