"""Parity of the comment writes: the thread fragments and the REST API leave the same rows,
audit entries and events when a person comments, edits, deletes or reacts."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from goalkeeper.comments.models import Comment
from goalkeeper.comments.services import add_comment
from tests.api.conftest import Api
from tests.conftest import Everything, World
from tests.parity.harness import NOW, compare_paths, expect_status, only

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(world: World, things: Everything) -> Comment:
    with time_machine.travel(NOW, tick=False):
        return add_comment(
            actor=world.editor,
            subject_type="key_result",
            subject_id=things.acme.key_result.pk,
            body=f"First @[Ada](person:{world.admin.pk})",
        )


def test_commenting(world: World, things: Everything, editor_api: Api) -> None:
    client = world.client_for(world.editor)
    kr = things.acme.key_result.pk
    body = f"Is this final? @[Ada](person:{world.admin.pk}) https://example.com"

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("comments"), {"subject_type": "key_result", "subject_id": kr, "body": body}
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.post(
                "/comments", {"subject_type": "key_result", "subject_id": kr, "body": body}
            ),
            201,
        ),
    )

    assert only(trace.created["comments.Comment"])["body"] == body
    assert only(trace.audit)["action"] == "comment.created"
    assert [name for name, _ in trace.events] == ["comment.created"]


def test_editing_a_comment(world: World, comment: Comment, editor_api: Api) -> None:
    client = world.client_for(world.editor)
    body = f"First @[Ada](person:{world.admin.pk}) @[Vera](person:{world.viewer.pk})"

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("comment_edit", args=[comment.pk]), {"body": body}), 302
        ),
        api=lambda: expect_status(editor_api.patch(f"/comments/{comment.pk}", {"body": body}), 200),
    )

    assert only(trace.audit)["action"] == "comment.updated"
    ((_, payload),) = trace.events
    assert payload["comment"]["new_mentions"] == [world.viewer.pk]


def test_deleting_a_comment(world: World, comment: Comment, admin_api: Api) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("comment_delete", args=[comment.pk])), 302),
        api=lambda: expect_status(admin_api.delete(f"/comments/{comment.pk}"), 204),
    )

    assert trace.deleted == {"comments.Comment": [comment.pk]}
    assert only(trace.audit)["changes"]["body"][0].startswith("First")


def test_reacting_on_a_check_in(world: World, things: Everything, editor_api: Api) -> None:
    client = world.client_for(world.editor)
    check_in = things.acme.check_in.pk

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("check_in_reaction", args=[check_in]), {"emoji": "tada"}), 302
        ),
        api=lambda: expect_status(
            editor_api.post(f"/check-ins/{check_in}/reactions", {"emoji": "tada"}), 200
        ),
    )

    assert only(trace.created["comments.Reaction"])["emoji"] == "tada"
    assert [name for name, _ in trace.events] == ["reaction.added"]
