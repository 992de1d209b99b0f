"""At phone width (390 px) no main page is wider than the screen: tables stack, names wrap
between words, figures wrap under their numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.services import add_person
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import update_key_result
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import PASSWORD, Everything, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("home", ()),
    ("cycle_list", ()),
    ("kpis", ()),
    ("alignment", ()),
    ("insights", ()),
    ("dashboards", ()),
    ("inbox", ()),
    ("notification_preferences", ()),
    ("admin", ()),
    ("admin_people", ()),
    ("admin_teams", ()),
    ("admin_audit", ()),
    ("workspace_settings", ()),
    ("sources", ()),
    ("webhooks", ()),
    ("chat_channels", ()),
]


@pytest.fixture
def phone(page: Page, live_server: LiveServer, world: World, things: Everything) -> Page:
    """The admin on a phone, in a workspace with long names and big numbers."""
    add_person(
        actor=world.admin,
        workspace=world.acme,
        email="maximiliana.von.hohenzollern-sigmaringen@a-rather-long-company-domain.example",
        name="Maximiliana Theodora von Hohenzollern-Sigmaringen",
        role="editor",
        password=PASSWORD,
    )
    revenue = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Net revenue recognised across every region",
        unit="€",
        target=12_000_000,
        warning=11_000_000,
    )
    record_measurements(
        actor=world.admin,
        kpi=revenue,
        points=[(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), 11_546_620.0)],
        source="manual",
    )
    update_key_result(actor=world.admin, key_result=things.acme.key_result, unit="€", target=9e6)
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.admin.user.email)
    page.revenue_id = revenue.pk  # type: ignore[attr-defined]
    return page


def assert_fits(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


def test_every_main_page_fits_a_phone(phone: Page, live_server: LiveServer) -> None:
    for name, args in PAGES:
        phone.goto(live_server.url + reverse(name, args=args))
        expect(phone.locator("main")).to_be_visible()
        assert_fits(phone)


def test_object_pages_fit_a_phone(phone: Page, live_server: LiveServer, things: Everything):
    acme = things.acme
    for url in (
        reverse("objective_detail", args=[acme.objective.pk]),
        reverse("kpi_detail", args=[acme.kpi.pk]),
        reverse("kpi_detail", args=[phone.revenue_id]),  # type: ignore[attr-defined]
        reverse("admin_person_edit", args=[acme.person.pk]),
        reverse("admin_team_edit", args=[acme.team.pk]),
        reverse("object_history", args=["objective", acme.objective.pk]),
    ):
        phone.goto(live_server.url + url)
        expect(phone.locator("main")).to_be_visible()
        assert_fits(phone)


def test_people_stack_with_names_on_one_line(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url + reverse("admin_people"))
    name = phone.get_by_role("link", name="Maximiliana Theodora von Hohenzollern-Sigmaringen")
    expect(name).to_be_visible()

    # A word a line at most, never a letter a line: the name is as wide as its longest word.
    box = name.bounding_box()
    assert box is not None
    assert box["width"] > 150
    role = phone.locator(".people-table td[data-label='Role']").first
    expect(role).to_be_visible()
    assert (
        phone.evaluate(
            "getComputedStyle(document.querySelector('.people-table td[data-label=Role]'),"
            " '::before').content"
        )
        == '"Role"'
    )
    assert phone.evaluate("document.documentElement.scrollHeight") < 6000
    assert_fits(phone)


def test_the_kpi_figures_show_whole_numbers(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url + reverse("kpi_detail", args=[phone.revenue_id]))  # type: ignore[attr-defined]
    goal = phone.get_by_test_id("kpi-goal")
    expect(goal).to_contain_text("€11,000,000")

    clipped = goal.evaluate(
        "card => [...card.querySelectorAll('span')].some(s => s.scrollWidth > card.clientWidth)"
    )
    assert not clipped
    assert_fits(phone)
