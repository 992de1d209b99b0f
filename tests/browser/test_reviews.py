"""A draft's review in Chromium: submitted from its page with the person picker, then
approved by the reviewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.okrs import services
from goalkeeper.okrs.models import Objective, ObjectiveState
from tests.browser.conftest import MOBILE, log_in, pick
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_draft_is_submitted_then_approved(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    draft = services.create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Open a second office",
        owner=world.editor,
        state=ObjectiveState.DRAFT,
    )
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}/objectives/{draft.pk}/")
    page.get_by_test_id("request-review").click()
    # Eddie leads Sales himself: an admin is proposed; the picker chooses her again.
    pick(page, "Reviewer", "Ada", "Ada Admin")
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("pending-review")).to_contain_text("Waiting for review by Ada Admin")
    page.screenshot(path=screenshot_dir / "review-waiting-desktop.png", full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size(MOBILE)
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}/objectives/{draft.pk}/")
    page.screenshot(path=screenshot_dir / "review-decide-phone.png", full_page=True)
    page.get_by_test_id("approve-review").click()
    expect(page.get_by_test_id("pending-review")).to_have_count(0)
    assert Objective.objects.get(pk=draft.pk).state == ObjectiveState.ACTIVE
    assert console_errors == []
