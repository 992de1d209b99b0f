"""The people page with invited people: their state, a button each, one to send them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.services import add_invited_person
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sees_invited_people_and_sends_them_their_invitations(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path, mailoutbox
) -> None:
    for n, name in enumerate(["Nina New", "Noah Newcomer", "Nora Neu"]):
        add_invited_person(
            actor=world.admin, workspace=world.acme, email=f"new{n}@acme.test", name=name
        )
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/admin/people/?status=all")

    banner = page.get_by_test_id("invite-all")
    expect(banner).to_contain_text("3 invited people have not joined yet")
    row = page.locator("tr", has_text="Nina New")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "invited")
    page.screenshot(path=str(screenshot_dir / "people-invited-desktop.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=str(screenshot_dir / "people-invited-phone.png"), full_page=True)

    banner.get_by_role("button", name="Send 3 invitations").click()

    expect(page.get_by_role("status").first).to_contain_text("3 invitations are on their way")
    assert sorted(m.to[0] for m in mailoutbox) == [
        "new0@acme.test",
        "new1@acme.test",
        "new2@acme.test",
    ]
