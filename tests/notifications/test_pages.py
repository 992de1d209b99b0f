"""The inbox, the watch button, the preferences page and the unsubscribe link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.notifications import services
from goalkeeper.notifications.kinds import ALL, Email
from goalkeeper.notifications.models import Notification, Preference, Watch
from goalkeeper.notifications.tokens import unsubscribe_token
from goalkeeper.okrs.services import record_check_in
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def _mention(
    plan: Plan, person_id: int, title: str = "Ada mentioned you on Win the north"
) -> Notification:
    services.notify(
        workspace_id=plan.world.acme.pk,
        people=[person_id],
        kind="mention",
        title=title,
        url=f"/objectives/{plan.objective.pk}/",
        subject=("objective", plan.objective.pk),
    )
    return Notification.objects.filter(person_id=person_id).latest("id")


def test_the_inbox_lists_my_items_and_the_navigation_counts_them(plan: Plan) -> None:
    w = plan.world
    _mention(plan, w.editor.pk)
    _mention(plan, w.owner.pk, title="For Owen only")
    page = w.client_for(w.editor).get(reverse("inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ada mentioned you on Win the north" in html
    assert "For Owen only" not in html
    assert 'data-testid="inbox-count">1<' in html


def test_titles_are_escaped(plan: Plan) -> None:
    w = plan.world
    _mention(plan, w.editor.pk, title='<script>alert("x")</script>')
    html = w.client_for(w.editor).get(reverse("inbox")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_inbox_says_so(plan: Plan) -> None:
    w = plan.world
    html = w.client_for(w.editor).get(reverse("inbox")).content.decode()
    assert "You are all caught up" in html


def test_done_then_undo_from_the_inbox(plan: Plan) -> None:
    w = plan.world
    item = _mention(plan, w.editor.pk)
    client = w.client_for(w.editor)
    answer = client.post(reverse("inbox_done", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert 'id="inbox-count"' in answer.content.decode()
    item.refresh_from_db()
    assert item.done_at is not None
    client.post(reverse("inbox_undo", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is None


def test_snoozing_with_a_bad_date_names_the_field(plan: Plan) -> None:
    w = plan.world
    item = _mention(plan, w.editor.pk)
    client = w.client_for(w.editor)
    page = client.post(reverse("inbox_snooze", args=[item.pk]), {"until": "soon"}, follow=True)
    assert "Snooze until: enter a date such as 2026-12-31." in page.content.decode()
    yesterday = (w.acme.clock().today - dt.timedelta(days=1)).isoformat()
    page = client.post(reverse("inbox_snooze", args=[item.pk]), {"until": yesterday}, follow=True)
    assert "Snooze until: pick a date after today." in page.content.decode()
    item.refresh_from_db()
    assert item.snoozed_until is None


def test_someone_elses_item_is_not_found(plan: Plan) -> None:
    w = plan.world
    item = _mention(plan, w.editor.pk)
    client = w.client_for(w.owner)
    assert client.get(reverse("inbox_open", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("inbox_snooze", args=[item.pk]), {"until": "2030-01-01"}).status_code
        == 404
    )
    client.post(reverse("inbox_done", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is None


def test_opening_a_mention_goes_to_its_page_and_clears_it(plan: Plan) -> None:
    w = plan.world
    item = _mention(plan, w.editor.pk)
    answer = w.client_for(w.editor).get(reverse("inbox_open", args=[item.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == f"/objectives/{plan.objective.pk}/"
    item.refresh_from_db()
    assert item.done_at is not None


def test_the_inbox_forms_carry_csrf_protection(plan: Plan) -> None:
    w = plan.world
    _mention(plan, w.editor.pk)
    client = w.client_for(w.editor)
    client.handler.enforce_csrf_checks = True
    item = Notification.objects.get()
    assert client.post(reverse("inbox_done", args=[item.pk])).status_code == 403
    assert "csrfmiddlewaretoken" in client.get(reverse("inbox")).content.decode()


def test_the_inbox_stays_bounded_in_queries(
    plan: Plan, django_assert_max_num_queries: object
) -> None:
    w = plan.world
    for n in range(60):
        _mention(plan, w.editor.pk, title=f"Item {n}")
    client = w.client_for(w.editor)
    client.get(reverse("inbox"))
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("inbox"))
    assert page.content.decode().count('data-testid="inbox-item"') == 50


def test_watch_and_unwatch_from_the_objective_page(plan: Plan) -> None:
    w = plan.world
    client = w.client_for(plan.fan)
    page = client.get(reverse("objective_detail", args=[plan.objective.pk])).content.decode()
    assert 'aria-pressed="false"' in page
    url = reverse("watch", args=["objective", plan.objective.pk])
    answer = client.post(url, {"watching": "1"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in answer.content.decode()
    assert Watch.objects.get(person=plan.fan).watching
    client.post(url, {"watching": "0"})
    assert not Watch.objects.get(person=plan.fan).watching


def test_watching_another_workspaces_objective_is_not_found(plan: Plan) -> None:
    w = plan.world
    url = reverse("watch", args=["objective", plan.objective.pk])
    assert w.client_for(w.outsider).post(url, {"watching": "1"}).status_code == 404
    assert (
        w.client_for(w.editor)
        .post(reverse("watch", args=["cycle", w.cycle.pk]), {"watching": "1"})
        .status_code
        == 404
    )
    assert not Watch.objects.exists()


def test_the_kpi_and_key_result_pages_have_a_watch_button(plan: Plan, things: object) -> None:
    w = plan.world
    client = w.client_for(w.editor)
    kr_page = client.get(reverse("key_result_check_in", args=[plan.key_result.pk]))
    assert 'data-testid="watch"' in kr_page.content.decode()
    kpi_id = things.acme.kpi.pk  # type: ignore[attr-defined]
    assert (
        'data-testid="watch"' in client.get(reverse("kpi_detail", args=[kpi_id])).content.decode()
    )


def test_preferences_save_and_show_errors_by_kind(plan: Plan) -> None:
    w = plan.world
    client = w.client_for(w.editor)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "Check-in on what you watch" in page
    form = {f"email-{k}": "immediate" for k in ("mention", "digest")}
    form.update({"email-comment": "off", "chat-mention": "1", "all_email": "1"})
    answer = client.post(reverse("notification_preferences"), form)
    assert answer.status_code == 302
    assert Preference.objects.get(person=w.editor, kind="comment").email == Email.OFF
    assert Preference.objects.get(person=w.editor, kind="mention").chat
    bad = client.post(reverse("notification_preferences"), {**form, "email-digest": "batched"})
    assert "Weekly digest: a weekly email is sent or not" in bad.content.decode()


def test_the_unsubscribe_link_asks_then_unsubscribes_without_a_login(plan: Plan) -> None:
    w = plan.world
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("unsubscribe", args=[unsubscribe_token(w.editor.pk, "digest")])
    page = client.get(url)
    assert "Weekly digest" in page.content.decode()
    assert not Preference.objects.filter(person=w.editor).exists()  # a GET changes nothing
    done = client.post(url)
    assert "You will no longer receive" in done.content.decode()
    assert Preference.objects.get(person=w.editor, kind="digest").email == Email.OFF


def test_one_click_unsubscribe_from_a_mail_client(plan: Plan) -> None:
    w = plan.world
    from django.test import Client

    url = reverse("unsubscribe", args=[unsubscribe_token(w.editor.pk, ALL)])
    answer = Client().post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert Preference.objects.get(person=w.editor, kind=ALL).email == Email.OFF


def test_a_changed_unsubscribe_token_does_nothing(plan: Plan) -> None:
    w = plan.world
    from django.test import Client

    token = unsubscribe_token(w.editor.pk, "digest")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    answer = Client().post(reverse("unsubscribe", args=[forged]))
    assert answer.status_code == 404
    assert "This link does not work" in answer.content.decode()
    assert not Preference.objects.exists()


def test_a_check_in_shows_up_for_the_objective_owner(plan: Plan) -> None:
    w = plan.world
    record_check_in(actor=w.owner, key_result=plan.key_result, value=3, confidence=8)
    html = w.client_for(w.editor).get(reverse("inbox")).content.decode()
    assert "Owen Owner checked in on Sign 10 customers" in html
