"""In Chromium: mention a person with the keyboard, post with Ctrl+Enter, react on a
check-in; screenshots at desktop and phone width (`screenshots/comments-*.png`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.accounts.services import add_person
from goalkeeper.comments.models import Comment, Reaction
from goalkeeper.comments.services import add_comment
from tests.browser.conftest import MOBILE, log_in
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _objective(world: World):  # type: ignore[no-untyped-def]
    grace = add_person(
        actor=None, workspace=world.acme, email="grace@acme.test", name="Grace Hopper"
    )
    objective = factories.objective(world.cycle, world.sales, "Win the north", owner=world.editor)
    now = timezone.now()
    kr = factories.key_result(
        objective,
        "Signed partners",
        check_ins=[(3.0, now - dt.timedelta(days=2)), (5.0, now - dt.timedelta(hours=3))],
        confidence=7,
    )
    add_comment(
        actor=world.admin,
        subject_type="key_result",
        subject_id=kr.pk,
        body="Is the Q4 list final? https://example.com/partners",
    )
    return objective, grace


def test_mention_with_the_keyboard_post_with_ctrl_enter_and_react(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    console_errors: list[str],
) -> None:
    objective, grace = _objective(world)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[objective.pk])}")

    thread = page.get_by_test_id(f"thread-objective-{objective.pk}")
    expect(thread.get_by_test_id("thread-empty")).to_be_visible()
    box = page.get_by_label("Comment on Win the north")
    box.click()
    page.keyboard.type("Thanks @gra")
    menu = page.get_by_role("listbox", name="People to mention")
    expect(menu.get_by_role("option").first).to_contain_text("Grace Hopper")
    page.screenshot(path=screenshot_dir / "comments-mention-desktop.png", full_page=False)
    page.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    page.keyboard.type("can you check <the> numbers?")
    expect(box).to_have_value(
        f"Thanks @[Grace Hopper](person:{grace.pk}) can you check <the> numbers?"
    )
    page.keyboard.press("Control+Enter")

    chip = thread.locator(".mention")
    expect(chip).to_have_text("@Grace Hopper")
    expect(thread.get_by_test_id("comment-body")).to_contain_text("can you check <the> numbers?")
    comment = Comment.objects.get(subject_type="objective")
    assert list(comment.mentions.all()) == [grace]

    # The key result's thread opens from its "1 comment" toggle.
    toggle = page.locator("details.thread-toggle summary", has_text="Signed partners")
    expect(toggle).to_contain_text("1 comment")
    toggle.click()
    expect(page.get_by_role("link", name="https://example.com/partners")).to_be_visible()

    # React on the latest check-in.
    entry = page.get_by_test_id("check-in-history").locator(".feed__item").first
    entry.locator('summary[aria-label="Add a reaction"]').click()
    entry.get_by_role("button", name="React tada").click()
    mine = entry.locator('.reaction--mine[data-emoji="tada"]')
    expect(mine).to_contain_text("1")
    assert Reaction.objects.filter(person=world.editor, emoji="tada").count() == 1
    page.locator("#discussion").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "comments-objective-desktop.png", full_page=True)

    page.set_viewport_size(MOBILE)
    page.reload()
    page.screenshot(path=screenshot_dir / "comments-objective-phone.png", full_page=True)
    page.get_by_test_id("check-in-history").screenshot(
        path=screenshot_dir / "comments-check-ins-phone.png"
    )
    page.locator("#discussion").screenshot(path=screenshot_dir / "comments-discussion-phone.png")
    assert console_errors == []


def test_escape_closes_the_mention_menu_and_tab_picks(
    page: Page, live_server: LiveServer, world: World
) -> None:
    objective, grace = _objective(world)
    log_in(page, live_server.url, world.editor.user.email)
    page.goto(f"{live_server.url}{reverse('objective_detail', args=[objective.pk])}")
    box = page.get_by_label("Comment on Win the north")
    box.click()
    page.keyboard.type("@gr")
    menu = page.get_by_role("listbox", name="People to mention")
    expect(menu.get_by_role("option").first).to_contain_text("Grace Hopper")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    page.keyboard.type("a")
    expect(menu.get_by_role("option").first).to_contain_text("Grace Hopper")
    page.keyboard.press("Tab")
    expect(box).to_have_value(f"@[Grace Hopper](person:{grace.pk}) ")
    expect(box).to_be_focused()


def test_an_admin_deletes_a_comment_on_the_kpi_page_after_confirming(
    page: Page, live_server: LiveServer, world: World, screenshot_dir: Path
) -> None:
    from goalkeeper.kpis.services import create_kpi

    kpi = create_kpi(
        actor=world.admin, team=world.sales, name="Churn", target=2, owner=world.editor
    )
    add_comment(
        actor=world.editor,
        subject_type="kpi",
        subject_id=kpi.pk,
        body="Churn rose after the price change.\nSee https://example.com/report, page 3.",
    )
    add_comment(actor=world.editor, subject_type="kpi", subject_id=kpi.pk, body="Spam spam")
    log_in(page, live_server.url, world.admin.user.email)
    page.goto(f"{live_server.url}{reverse('kpi_detail', args=[kpi.pk])}")
    thread = page.get_by_test_id(f"thread-kpi-{kpi.pk}")
    expect(thread.get_by_test_id("comment-body")).to_have_count(2)
    thread.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "comments-kpi-desktop.png", full_page=False)
    page.once("dialog", lambda dialog: dialog.accept())
    thread.locator(".comment", has_text="Spam spam").get_by_role("button", name="Delete").click()
    expect(
        page.get_by_test_id(f"thread-kpi-{kpi.pk}").get_by_test_id("comment-body")
    ).to_have_count(1)
    assert list(Comment.objects.values_list("body", flat=True)) == [
        "Churn rose after the price change.\nSee https://example.com/report, page 3."
    ]
    page.set_viewport_size(MOBILE)
    page.reload()
    page.get_by_test_id(f"thread-kpi-{kpi.pk}").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "comments-kpi-phone.png", full_page=False)
