"""Events become inbox items for the right people (docs/notifications.md, "Who hears")."""

from __future__ import annotations

import pytest

from goalkeeper.events import Event
from goalkeeper.notifications import services
from goalkeeper.notifications.models import Notification
from goalkeeper.notifications.receivers import on_event
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.okrs.services import close_objective, delete_key_result, record_check_in
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def _items(kind: str) -> dict[int, Notification]:
    return {n.person_id: n for n in Notification.objects.filter(kind=kind)}


def test_a_check_in_reaches_the_watchers_but_not_its_author(plan: Plan) -> None:
    w = plan.world
    record_check_in(
        actor=w.owner, key_result=plan.key_result, value=4, confidence=6, note="Two more signed"
    )
    items = _items("watched_check_in")
    assert set(items) == {w.editor.pk}  # the objective's owner and Sales' lead; not Owen
    item = items[w.editor.pk]
    assert item.title == "Owen Owner checked in on Sign 10 customers"
    assert item.body == "Now 4 customers, confidence 6/10. Two more signed"
    assert item.url.startswith(f"/key-results/{plan.key_result.pk}/check-in/#check-in-")
    assert item.actor_id == w.owner.pk


def test_a_check_in_clears_the_check_in_due_items_of_its_key_result(plan: Plan) -> None:
    w = plan.world
    services.notify(
        workspace_id=w.acme.pk,
        people=[w.owner.pk],
        kind="check_in_due",
        title="Check in on Sign 10 customers",
        url="/check-in/",
        subject=("key_result", plan.key_result.pk),
    )
    record_check_in(actor=w.admin, key_result=plan.key_result, value=1, confidence=5)
    assert not Notification.objects.filter(kind="check_in_due", done_at__isnull=True).exists()


def test_someone_who_unwatched_hears_nothing(plan: Plan) -> None:
    w = plan.world
    info = describe_one(("key_result", plan.key_result.pk))
    assert info is not None
    services.set_watching(person=w.editor, info=info, watching=False)
    record_check_in(actor=w.owner, key_result=plan.key_result, value=4, confidence=6)
    assert not Notification.objects.filter(kind="watched_check_in").exists()


def test_closing_an_objective_tells_its_watchers_the_score(plan: Plan) -> None:
    w = plan.world
    info = describe_one(("objective", plan.objective.pk))
    assert info is not None
    services.set_watching(person=plan.fan, info=info, watching=True)
    close_objective(actor=w.admin, objective=plan.objective, final_score=0.7, retrospective="")
    items = _items("objective_closed")
    assert set(items) == {w.editor.pk, plan.fan.pk}
    assert items[plan.fan.pk].title == "Win the north was closed with a score of 0.7"


def test_a_comment_mentions_and_tells_watchers_once_each(plan: Plan) -> None:
    w = plan.world
    payload = {
        "comment": {
            "id": 1,
            "subject_type": "objective",
            "subject_id": plan.objective.pk,
            "author": w.admin.pk,
            "body": "@Fay what do you think?",
            "url": f"/objectives/{plan.objective.pk}/#comment-1",
            "mentions": [plan.fan.pk],
            "new_mentions": [plan.fan.pk],
        }
    }
    on_event(Event(w.acme.pk, "comment.created", payload))
    assert set(_items("mention")) == {plan.fan.pk}
    assert set(_items("comment")) == {w.editor.pk}
    assert _items("mention")[plan.fan.pk].title == "Ada Admin mentioned you on Win the north"
    # An edit that mentions nobody new tells nobody.
    edited = {"comment": {**payload["comment"], "new_mentions": []}}
    on_event(Event(w.acme.pk, "comment.updated", edited))
    assert Notification.objects.count() == 2


def test_a_review_request_reaches_the_reviewer_and_clears_when_the_draft_moves_on(
    plan: Plan,
) -> None:
    w = plan.world
    objective = {"id": plan.objective.pk, "state": "draft"}
    request = {"objective": objective, "reviewer": w.admin.pk, "requested_by": w.editor.pk}
    on_event(Event(w.acme.pk, "objective.review_requested", request))
    assert _items("review_requested")[w.admin.pk].title == (
        "Eddie Editor asks you to review Win the north"
    )
    on_event(Event(w.acme.pk, "objective.updated", {"objective": objective}))
    assert Notification.objects.get(kind="review_requested").done_at is None
    active = {"objective": {**objective, "state": "active"}}
    on_event(Event(w.acme.pk, "objective.updated", active))
    assert Notification.objects.get(kind="review_requested").done_at is not None


def test_deleting_a_key_result_clears_every_item_about_it(plan: Plan) -> None:
    w = plan.world
    record_check_in(actor=w.owner, key_result=plan.key_result, value=4, confidence=6)
    assert Notification.objects.filter(done_at__isnull=True).exists()
    delete_key_result(actor=w.admin, key_result=plan.key_result)
    assert not Notification.objects.filter(done_at__isnull=True).exists()


def test_a_draft_sent_back_tells_its_owner_why(plan: Plan) -> None:
    w = plan.world
    objective = {"id": plan.objective.pk, "state": "draft", "owner": w.editor.pk}
    returned = {"objective": objective, "reviewer": w.admin.pk, "note": "Add a metric."}
    on_event(Event(w.acme.pk, "objective.review_returned", returned))
    item = _items("review_returned")[w.editor.pk]
    assert item.title == "Ada Admin sent Win the north back"
    assert item.body == "Add a metric."
    assert item.actor_id == w.admin.pk
