"""Two-factor authentication in a real browser: set it up from the profile, then log in
with a code that pyotp computes from the key the setup page showed."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_sets_up_two_factor_and_logs_in_with_a_code(
    page: Page, live_server: LiveServer, world: World, console_errors: list[str]
) -> None:
    page.set_default_timeout(30_000)
    base = live_server.url
    log_in(page, base, world.editor.user.email)

    page.goto(f"{base}/me/")
    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.locator(".twofactor-qr img")).to_be_visible()
    secret = page.get_by_test_id("twofactor-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_role("textbox", name="Code").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(world.editor.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Enter the 6-digit code")).to_be_visible()

    page.get_by_role("textbox", name="6-digit code or recovery code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()

    # The code of the next step: the one used to set up is not accepted twice.
    page.get_by_role("textbox", name="6-digit code or recovery code").fill(
        totp.at(time.time() + 30)
    )
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    # The wrong code's page answers 400, which the browser logs; nothing else failed.
    assert [e for e in console_errors if "status of 400" not in e] == []
