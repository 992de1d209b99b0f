"""The comments API: answers checked against the OpenAPI document by `tests.api.conftest.Api`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from goalkeeper.comments.models import Comment, Reaction
from goalkeeper.comments.services import add_comment
from goalkeeper.events import recorded
from tests.api.conftest import Api, fields_of, token_for
from tests.conftest import Everything, World

pytestmark = pytest.mark.django_db


def _api(person) -> Api:  # type: ignore[no-untyped-def]
    return Api(token_for(person))


def test_post_then_list_a_subjects_comments(world: World, things: Everything) -> None:
    api = _api(world.editor)
    kr = things.acme.key_result.pk
    body = f"Ping @[Ada](person:{world.admin.pk})"
    created = api.post("/comments", {"subject_type": "key_result", "subject_id": kr, "body": body})
    assert created.status_code == 201, created.json
    assert created.json["body"] == body
    assert created.json["mentions"] == [world.admin.pk]
    assert created.json["author"] == world.editor.pk
    listed = api.get("/comments", subject_type="key_result", subject_id=kr)
    assert listed.status_code == 200
    assert listed.json["count"] == 1
    assert listed.json["items"][0]["id"] == created.json["id"]


def test_listing_another_workspaces_subject_is_404(world: World, things: Everything) -> None:
    answer = _api(world.editor).get(
        "/comments", subject_type="kpi", subject_id=things.globex.kpi.pk
    )
    assert answer.status_code == 404


def test_a_bad_mention_is_a_422_naming_the_body(world: World, things: Everything) -> None:
    answer = _api(world.editor).post(
        "/comments",
        {"subject_type": "kpi", "subject_id": things.acme.kpi.pk, "body": "@[X](person:99999)"},
    )
    assert answer.status_code == 422
    assert fields_of(answer) == {"body": "@person:99999 is not a person in this workspace"}


def test_another_workspaces_subject_is_a_422_naming_subject_id(
    world: World, things: Everything
) -> None:
    answer = _api(world.editor).post(
        "/comments",
        {"subject_type": "objective", "subject_id": things.globex.objective.pk, "body": "hi"},
    )
    assert answer.status_code == 422
    assert fields_of(answer) == {"subject_id": "no such objective in this workspace"}


def test_a_viewer_posting_is_403_and_a_read_only_token_too(
    world: World, things: Everything
) -> None:
    body = {"subject_type": "kpi", "subject_id": things.acme.kpi.pk, "body": "hi"}
    assert _api(world.viewer).post("/comments", body).status_code == 403
    assert Api(token_for(world.editor, read_only=True)).post("/comments", body).status_code == 403
    assert not Comment.objects.exists()


def test_patch_within_the_window_then_refused_after(world: World, things: Everything) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False) as t:
        comment = add_comment(
            actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="v1"
        )
        api = _api(world.editor)
        with recorded() as events:
            ok = api.patch(
                f"/comments/{comment.pk}", {"body": f"v2 @[V](person:{world.viewer.pk})"}
            )
        assert ok.status_code == 200
        assert ok.json["edited_at"] is not None
        assert events[0].payload["comment"]["new_mentions"] == [world.viewer.pk]
        t.shift(dt.timedelta(minutes=16))
        late = api.patch(f"/comments/{comment.pk}", {"body": "v3"})
    assert late.status_code == 403
    assert "15 minutes" in late.json["detail"]


def test_delete_by_author_or_admin_only(world: World, things: Everything) -> None:
    comment = add_comment(
        actor=world.admin, subject_type="kpi", subject_id=things.acme.kpi.pk, body="x"
    )
    assert _api(world.editor).delete(f"/comments/{comment.pk}").status_code == 403
    assert _api(world.outsider).delete(f"/comments/{comment.pk}").status_code == 404
    assert _api(world.admin).delete(f"/comments/{comment.pk}").status_code == 204
    assert not Comment.objects.exists()


def test_reactions_toggle_over_the_api(world: World, things: Everything) -> None:
    api = _api(world.editor)
    path = f"/check-ins/{things.acme.check_in.pk}/reactions"
    added = api.post(path, {"emoji": "eyes"})
    assert added.status_code == 200
    reaction = Reaction.objects.get()
    assert added.json["reaction"]["id"] == reaction.pk
    assert added.json["reaction"]["emoji"] == "eyes"
    assert {k: v for k, v in added.json.items() if k != "reaction"} == {
        "check_in": things.acme.check_in.pk,
        "added": True,
        "reactions": [{"emoji": "eyes", "count": 1, "mine": True}],
    }
    removed = api.post(path, {"emoji": "eyes"})
    assert removed.json["added"] is False
    assert removed.json["reaction"] is None
    assert removed.json["reactions"] == []
    assert not Reaction.objects.exists()
    assert api.post(path, {"emoji": "poop"}).status_code == 422
    other = f"/check-ins/{things.globex.check_in.pk}/reactions"
    assert api.post(other, {"emoji": "eyes"}).status_code == 404
