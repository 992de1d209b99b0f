"""Playwright fixtures: Debian's Chromium (never a downloaded browser), pages, a login.

Browser tests run against pytest-django's `live_server`, so they need a transactional
database (`@pytest.mark.django_db(transaction=True)`), which is flushed after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import PASSWORD, World
from tests.sso.provider_fixture import oidc_provider  # noqa: F401 - the single sign-on tests' provider

# Playwright's sync API runs an event loop in this thread; Django's ORM would take the
# fixtures' queries for async code and refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("GOALKEEPER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
MOBILE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run; skipped when Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at desktop width."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs (a script failing, a Content-Security-Policy refusal...)."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Argon2 is slow on purpose; the live server shares these settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def admin_page(page: Page, live_server: LiveServer, world: World) -> Page:
    """A page logged in as the world's admin, on home."""
    log_in(page, live_server.url, world.admin.user.email)
    return page


def pickers_ready(page: Page) -> None:
    """Wait until the combobox library has taken over every picker of the page: it loads
    after the page, and until then a label names the plain select, which swallows the keys."""
    expect(page.locator("select[data-picker]:not(.tomselected)")).to_have_count(0)


def pick(page: Page, label: str, typed: str, choice: str) -> None:
    """Choose `choice` in the picker labelled `label` by typing `typed`, with the keyboard."""
    # After a click that navigates, the old page may still be the one asked: wait for a
    # picker the library has taken over, then for all of them.
    expect(page.locator("select[data-picker].tomselected").first).to_be_attached()
    pickers_ready(page)
    page.get_by_role("combobox", name=label).focus()
    page.keyboard.type(typed)
    dropdown = page.locator(".ts-dropdown")
    option = dropdown.get_by_role("option", name=re.compile(re.escape(choice))).first
    option.wait_for()
    while "active" not in (option.get_attribute("class") or ""):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
