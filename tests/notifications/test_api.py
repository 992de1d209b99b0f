"""The inbox, watches and preferences over the REST API."""

from __future__ import annotations

from typing import Any

import pytest

from goalkeeper.api.services import create_token
from goalkeeper.notifications import services
from goalkeeper.notifications.models import Notification, Preference, Watch
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def _api(plan: Plan, person: Any) -> Any:
    from django.test import Client

    _token, raw = create_token(actor=person, person=person, name="inbox")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _mention(plan: Plan, person_id: int) -> Notification:
    services.notify(
        workspace_id=plan.world.acme.pk,
        people=[person_id],
        kind="mention",
        title="Ada mentioned you",
        url=f"/objectives/{plan.objective.pk}/",
        subject=("objective", plan.objective.pk),
    )
    return Notification.objects.filter(person_id=person_id).latest("id")


def test_my_inbox_lists_only_my_items_and_done_clears_one(plan: Plan) -> None:
    w = plan.world
    mine = _mention(plan, w.editor.pk)
    _mention(plan, w.owner.pk)
    client = _api(plan, w.editor)
    body = client.get("/api/v1/inbox").json()
    assert body["count"] == 1
    assert body["open"] == 1
    assert body["items"][0]["title"] == "Ada mentioned you"
    assert body["items"][0]["subject_type"] == "objective"
    done = client.post(f"/api/v1/inbox/{mine.pk}/done")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    assert client.get("/api/v1/inbox").json()["count"] == 0
    assert client.get("/api/v1/inbox?view=done").json()["count"] == 1


def test_someone_elses_item_is_missing(plan: Plan) -> None:
    w = plan.world
    theirs = _mention(plan, w.owner.pk)
    client = _api(plan, w.editor)
    assert client.post(f"/api/v1/inbox/{theirs.pk}/done").status_code == 404
    answer = client.post(
        f"/api/v1/inbox/{theirs.pk}/snooze",
        {"until": "2030-01-01"},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_snoozing_in_the_past_names_the_field(plan: Plan) -> None:
    w = plan.world
    item = _mention(plan, w.editor.pk)
    answer = _api(plan, w.editor).post(
        f"/api/v1/inbox/{item.pk}/snooze", {"until": "2020-01-01"}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "until", "message": "pick a date after today"}]


def test_watch_and_unwatch_over_the_api(plan: Plan) -> None:
    w = plan.world
    client = _api(plan, plan.fan)
    url = f"/api/v1/watches/objective/{plan.objective.pk}"
    assert client.get(url).json()["watching"] is False
    answer = client.put(url, {"watching": True}, content_type="application/json")
    assert answer.json() == {
        "subject_type": "objective",
        "subject_id": plan.objective.pk,
        "watching": True,
    }
    assert Watch.objects.get(person=plan.fan).watching
    other = _api(plan, w.outsider).put(url, {"watching": True}, content_type="application/json")
    assert other.status_code == 404


def test_preferences_over_the_api(plan: Plan) -> None:
    w = plan.world
    client = _api(plan, w.editor)
    kinds = {k["kind"]: k for k in client.get("/api/v1/notification-preferences").json()["kinds"]}
    assert kinds["mention"]["email"] == "immediate"
    answer = client.put(
        "/api/v1/notification-preferences",
        {"email": True, "kinds": {"comment": {"email": "off", "chat": True}}},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert Preference.objects.get(person=w.editor, kind="comment").chat
    bad = client.put(
        "/api/v1/notification-preferences",
        {"kinds": {"digest": {"email": "batched"}}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "digest"
