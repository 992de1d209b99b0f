"""axe-core on every page a person can reach, in light and in dark mode, on the demo company.

The demo is loaded once for the module into a served instance of its own (a data folder in
a temporary directory, `goalkeeper serve` on a free port), and the admin logs in once; each
page and theme is then one test. A page added to the product gets a line in PAGES: its URL
name, how to build its arguments from the ids of `tests/browser/accessibility_world.py`, and
who sees it. The standard and how to read a failure: docs/accessibility.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from goalkeeper.demo.services import ADMIN_EMAIL
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, log_in
from tests.browser.served_demo import DEMO_PASSWORD, Served, demo_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("accessibility")]

Ids = dict[str, Any]


@dataclass(frozen=True)
class Visit:
    """One page: its URL name, its arguments from the world's ids, and how it answers."""

    url_name: str
    args: Callable[[Ids], list[Any]] = lambda ids: []
    query: str = ""
    # Seen by a visitor who is not logged in (login, password reset, shared links...).
    anonymous: bool = False
    status: int = 200
    # What to wait for beyond the load (a chart, a lazily loaded part).
    ready: str | None = None
    tags: tuple[str, ...] = field(default=())


def pk(name: str) -> Callable[[Ids], list[Any]]:
    return lambda ids: [ids[name]]


# Test id -> page. Errors are pages too: 404 for an unknown address, 403 for a refused one.
PAGES: dict[str, Visit] = {
    # Where people work every day.
    "home": Visit("home"),
    "search": Visit("search", query="q=customer"),
    "inbox": Visit("inbox"),
    "check-in-all": Visit("check_in_all"),
    # Objectives and key results.
    "cycles": Visit("cycles"),
    "cycle-board": Visit("cycle_board", pk("cycle")),
    "objective": Visit("objective_detail", pk("objective")),
    "objective-review": Visit("objective_review", pk("objective")),
    "objective-history": Visit("object_history", lambda ids: ["objective", ids["objective"]]),
    "objective-new": Visit("objective_create"),
    "objective-edit": Visit("objective_edit", pk("objective")),
    "key-result-new": Visit("key_result_create", pk("objective")),
    "key-result-edit": Visit("key_result_edit", pk("key_result")),
    "key-result-check-in": Visit("key_result_check_in", pk("key_result")),
    "key-result-split": Visit("key_result_split", pk("key_result")),
    "key-result-hand-down": Visit("key_result_hand_down", pk("key_result")),
    "key-result-formula": Visit("key_result_formula", pk("key_result")),
    "alignment": Visit("alignment"),
    "alignment-cycle": Visit("alignment_cycle", pk("cycle")),
    "strategy-map": Visit("strategy_map"),
    # KPIs and their sources.
    "kpi-board": Visit("kpis"),
    "kpi": Visit("kpi_detail", pk("kpi")),
    "kpi-new": Visit("kpi_create"),
    "kpi-edit": Visit("kpi_edit", pk("kpi")),
    "kpi-values": Visit("kpi_values", pk("kpi")),
    "kpi-upload": Visit("kpi_upload", pk("kpi")),
    "kpi-split": Visit("kpi_split", pk("kpi")),
    "sources": Visit("sources"),
    "source": Visit("source_detail", pk("source_kpi")),
    "source-edit": Visit("source_edit", pk("source_kpi")),
    # The leadership view.
    "insights": Visit("insights"),
    "dashboards": Visit("dashboards"),
    "dashboard": Visit("dashboard_detail", pk("dashboard")),
    "dashboard-new": Visit("dashboard_create"),
    "dashboard-edit": Visit("dashboard_edit", pk("dashboard")),
    "dashboard-share": Visit("dashboard_share", pk("dashboard")),
    "dashboards-tv": Visit("dashboards_tv"),
    "dashboard-shared-link": Visit(
        "dashboard_shared", lambda ids: [ids["share_token"]], anonymous=True
    ),
    "cycle-review": Visit("cycle_review", pk("cycle")),
    "exports": Visit("export_list"),
    # Administration.
    "admin": Visit("admin"),
    "admin-people": Visit("admin_people"),
    "admin-invite": Visit("admin_invite"),
    "admin-person": Visit("admin_person_edit", pk("person")),
    "admin-teams": Visit("admin_teams"),
    "admin-team": Visit("admin_team_edit", pk("team")),
    "admin-cycles": Visit("cycle_list"),
    "admin-cycle-new": Visit("cycle_create"),
    "admin-cycle-edit": Visit("cycle_edit", pk("cycle")),
    "admin-settings": Visit("workspace_settings"),
    "admin-audit": Visit("admin_audit"),
    "admin-channels": Visit("chat_channels"),
    "admin-channel": Visit("chat_channel_edit", pk("channel")),
    "admin-webhooks": Visit("webhooks"),
    "admin-webhook": Visit("webhook_detail", pk("webhook")),
    "admin-sso": Visit("sso_settings"),
    # One's own settings.
    "profile": Visit("profile"),
    "api-tokens": Visit("api_tokens"),
    "notification-preferences": Visit("notification_preferences"),
    "my-chat": Visit("my_chat"),
    "password-change": Visit("password_change"),
    # Before logging in.
    "login": Visit("login", anonymous=True),
    "sso-start": Visit("sso_start", anonymous=True),
    "password-reset": Visit("password_reset", anonymous=True),
    "password-reset-sent": Visit("password_reset_done", anonymous=True),
    "password-reset-link": Visit(
        "password_reset_confirm", lambda ids: ["MTIzNDU", "set-password"], anonymous=True
    ),
    "password-reset-done": Visit("password_reset_complete", anonymous=True),
    "invitation": Visit("invite_accept", lambda ids: [ids["invitation_token"]], anonymous=True),
    # Errors.
    "error-403": Visit("key_result_check_in", pk("closed_key_result"), status=403),
}
THEMES = ("light", "dark")


@pytest.fixture(scope="module")
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    """A browser without a session."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def admin(browser: Browser, demo: Served) -> Iterator[BrowserContext]:
    """The demo's admin, logged in once for the module."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, demo.url, ADMIN_EMAIL, DEMO_PASSWORD)
    page.close()
    yield context
    context.close()


def open_page(context: BrowserContext, url: str, theme: str, status: int) -> Page:
    page = context.new_page()
    page.emulate_media(color_scheme=theme)
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, (url, response.status)
    # Parts loaded after the page (htmx, charts) are checked too.
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)
    return page


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(
    name: str, theme: str, demo: Served, admin: BrowserContext, visitor: BrowserContext
) -> None:
    visit = PAGES[name]
    path = reverse(visit.url_name, args=visit.args(demo.ids))
    url = f"{demo.url}{path}{'?' + visit.query if visit.query else ''}"
    page = open_page(visitor if visit.anonymous else admin, url, theme, visit.status)
    try:
        if visit.ready:
            expect(page.locator(visit.ready).first).to_be_visible()
        assert_accessible(page)
    finally:
        page.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("anonymous", [False, True], ids=["member", "anonymous"])
def test_not_found_page_has_no_serious_accessibility_violation(
    anonymous: bool, theme: str, demo: Served, admin: BrowserContext, visitor: BrowserContext
) -> None:
    page = open_page(visitor if anonymous else admin, f"{demo.url}/no/such/page/", theme, 404)
    try:
        assert_accessible(page)
    finally:
        page.close()
