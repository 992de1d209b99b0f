"""Comment and reaction services: rights, the edit window, mentions, audit and events."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from goalkeeper.accounts.services import deactivate_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.comments.models import Comment, Reaction
from goalkeeper.comments.services import (
    add_comment,
    delete_comment,
    edit_comment,
    toggle_reaction,
)
from goalkeeper.events import recorded
from tests.conftest import Everything, World

pytestmark = pytest.mark.django_db


def _post(world: World, things: Everything, body: str, **kw: object) -> Comment:
    return add_comment(
        actor=kw.get("actor", world.editor),  # type: ignore[arg-type]
        subject_type=str(kw.get("subject_type", "objective")),
        subject_id=int(kw.get("subject_id", things.acme.objective.pk)),  # type: ignore[call-overload]
        body=body,
    )


def test_add_comment_stores_the_text_author_and_mentions(world: World, things: Everything) -> None:
    body = f"  Ask @[Ada Admin](person:{world.admin.pk}) about it  "
    comment = _post(world, things, body)
    comment.refresh_from_db()
    assert comment.body == body.strip()
    assert comment.author == world.editor
    assert comment.author_name == "Eddie Editor"
    assert list(comment.mentions.all()) == [world.admin]


@pytest.mark.parametrize("subject", ["objective", "key_result", "check_in", "kpi"])
def test_each_subject_type_takes_comments(world: World, things: Everything, subject: str) -> None:
    comment = _post(
        world, things, "hello", subject_type=subject, subject_id=things.acme.ids[subject]
    )
    assert (comment.subject_type, comment.subject_id) == (subject, things.acme.ids[subject])


def test_add_comment_emits_created_with_every_mention_new(world: World, things: Everything) -> None:
    with recorded() as events:
        comment = _post(
            world, things, f"@[A](person:{world.admin.pk}) @[V](person:{world.viewer.pk})"
        )
    (event,) = events
    assert event.name == "comment.created"
    assert event.workspace_id == world.acme.pk
    payload = event.payload["comment"]
    assert payload["id"] == comment.pk
    assert payload["author"] == world.editor.pk
    assert payload["subject_type"] == "objective"
    assert payload["mentions"] == [world.admin.pk, world.viewer.pk]
    assert payload["new_mentions"] == [world.admin.pk, world.viewer.pk]
    assert payload["text"] == "@Ada Admin @Vera Viewer"
    assert (
        payload["url"]
        == f"/objectives/{things.acme.objective.pk}/#comments-objective-{things.acme.objective.pk}"
    )


def test_add_comment_is_audited_with_its_text(world: World, things: Everything) -> None:
    comment = _post(world, things, "Our numbers look off")
    entry = AuditEntry.objects.get(action="comment.created")
    assert entry.object_id == comment.pk
    assert entry.actor_id == world.editor.pk
    assert entry.changes["body"] == [None, "Our numbers look off"]


def test_a_blank_or_too_long_body_is_refused(world: World, things: Everything) -> None:
    with pytest.raises(ValidationError) as blank:
        _post(world, things, "  \n ")
    assert blank.value.message_dict == {"body": ["write something"]}
    with pytest.raises(ValidationError) as long:
        _post(world, things, "x" * 5001)
    assert long.value.message_dict == {"body": ["at most 5,000 characters (this one has 5,001)"]}
    assert _post(world, things, "x" * 5000).body == "x" * 5000
    assert Comment.objects.count() == 1


def test_a_mention_of_another_workspace_is_refused(world: World, things: Everything) -> None:
    with pytest.raises(ValidationError) as refused:
        _post(world, things, f"hi @[Oscar](person:{world.outsider.pk}) and @[X](person:999999)")
    assert refused.value.message_dict == {
        "body": [
            f"@person:{world.outsider.pk} is not a person in this workspace",
            "@person:999999 is not a person in this workspace",
        ]
    }
    assert not Comment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="comment").exists()


def test_a_mention_of_a_deactivated_person_is_refused(world: World, things: Everything) -> None:
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    with pytest.raises(ValidationError) as refused:
        _post(world, things, f"@[Vera](person:{world.viewer.pk})")
    assert refused.value.message_dict == {"body": [f"@person:{world.viewer.pk} is deactivated"]}


def test_another_workspace_subject_is_no_such_subject(world: World, things: Everything) -> None:
    with pytest.raises(ValidationError) as refused:
        _post(world, things, "hi", subject_type="kpi", subject_id=things.globex.kpi.pk)
    assert refused.value.message_dict == {"subject_id": ["no such KPI in this workspace"]}


def test_an_unknown_subject_type_is_refused(world: World, things: Everything) -> None:
    with pytest.raises(ValidationError) as refused:
        _post(world, things, "hi", subject_type="team", subject_id=world.sales.pk)
    assert "subject_type" in refused.value.message_dict


def test_a_viewer_may_not_comment_on_what_they_do_not_own(world: World, things: Everything) -> None:
    with pytest.raises(PermissionDenied):
        _post(world, things, "hi", actor=world.viewer)


def test_a_viewer_comments_on_their_own_key_result_and_check_in(
    world: World, things: Everything
) -> None:
    # The world's owner is a viewer who owns Acme's key result and wrote its check-in.
    kr = _post(
        world,
        things,
        "hi",
        actor=world.owner,
        subject_type="key_result",
        subject_id=things.acme.key_result.pk,
    )
    check_in = _post(
        world,
        things,
        "hi",
        actor=world.owner,
        subject_type="check_in",
        subject_id=things.acme.check_in.pk,
    )
    assert kr.pk
    assert check_in.pk


def test_the_author_edits_within_15_minutes(
    world: World, things: Everything, now: time_machine.Traveller
) -> None:
    comment = _post(world, things, "first")
    now.shift(dt.timedelta(minutes=15))
    edit_comment(actor=world.editor, comment=comment, body="second")
    comment.refresh_from_db()
    assert comment.body == "second"
    assert comment.edited_at is not None
    entry = AuditEntry.objects.get(action="comment.updated")
    assert entry.changes == {"body": ["first", "second"]}


def test_an_edit_after_15_minutes_is_refused(
    world: World, things: Everything, now: time_machine.Traveller
) -> None:
    comment = _post(world, things, "first")
    now.shift(dt.timedelta(minutes=15, seconds=1))
    with pytest.raises(PermissionDenied) as refused:
        edit_comment(actor=world.editor, comment=comment, body="second")
    assert str(refused.value) == (
        "a comment can be edited for 15 minutes after it is posted; "
        "this one was posted 15 minutes ago"
    )
    comment.refresh_from_db()
    assert comment.body == "first"


def test_only_the_author_edits(
    world: World, things: Everything, now: time_machine.Traveller
) -> None:
    comment = _post(world, things, "first")
    with pytest.raises(PermissionDenied, match="only its author"):
        edit_comment(actor=world.admin, comment=comment, body="second")


def test_an_edit_that_adds_a_mention_announces_only_the_new_person(
    world: World, things: Everything, now: time_machine.Traveller
) -> None:
    comment = _post(world, things, f"@[A](person:{world.admin.pk})")
    with recorded() as events:
        edit_comment(
            actor=world.editor,
            comment=comment,
            body=f"@[A](person:{world.admin.pk}) and @[V](person:{world.viewer.pk})",
        )
    (event,) = events
    assert event.name == "comment.updated"
    assert event.payload["comment"]["mentions"] == [world.admin.pk, world.viewer.pk]
    assert event.payload["comment"]["new_mentions"] == [world.viewer.pk]
    assert set(comment.mentions.values_list("id", flat=True)) == {world.admin.pk, world.viewer.pk}


def test_an_edit_that_drops_a_mention_unlinks_the_person(
    world: World, things: Everything, now: time_machine.Traveller
) -> None:
    comment = _post(world, things, f"@[A](person:{world.admin.pk})")
    edit_comment(actor=world.editor, comment=comment, body="nobody")
    assert not comment.mentions.exists()
    assert AuditEntry.objects.get(action="comment.updated").changes["mentions"] == [
        [world.admin.pk],
        [],
    ]


def test_the_author_deletes_and_the_audit_keeps_the_text(world: World, things: Everything) -> None:
    comment = _post(world, things, "regrettable")
    pk = comment.pk
    with recorded() as events:
        delete_comment(actor=world.editor, comment=comment)
    assert not Comment.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="comment.deleted")
    assert entry.object_id == pk
    assert entry.changes["body"] == ["regrettable", None]
    assert [e.name for e in events] == ["comment.deleted"]
    assert events[0].payload["comment"]["id"] == pk


def test_an_admin_deletes_anyones_comment(world: World, things: Everything) -> None:
    comment = _post(world, things, "off topic")
    delete_comment(actor=world.admin, comment=comment)
    assert not Comment.objects.exists()


def test_another_editor_may_not_delete(world: World, things: Everything) -> None:
    comment = _post(world, things, "mine", actor=world.admin)
    with pytest.raises(PermissionDenied, match="only its author or an admin"):
        delete_comment(actor=world.editor, comment=comment)
    assert Comment.objects.count() == 1


def test_toggle_reaction_adds_then_takes_back(world: World, things: Everything) -> None:
    check_in = things.acme.check_in
    with recorded() as events:
        assert toggle_reaction(actor=world.editor, check_in=check_in, emoji="tada") is True
    assert Reaction.objects.filter(check_in=check_in, person=world.editor, emoji="tada").exists()
    (event,) = events
    assert event.name == "reaction.added"
    assert event.payload["reaction"]["emoji"] == "tada"
    assert event.payload["reaction"]["check_in"] == check_in.pk
    with recorded() as again:
        assert toggle_reaction(actor=world.editor, check_in=check_in, emoji="tada") is False
    assert again == []
    assert not Reaction.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="reaction")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["reaction.added", "reaction.removed"]


def test_an_unknown_emoji_is_refused(world: World, things: Everything) -> None:
    with pytest.raises(ValidationError) as refused:
        toggle_reaction(actor=world.editor, check_in=things.acme.check_in, emoji="poop")
    assert "emoji" in refused.value.message_dict


def test_a_viewer_may_not_react_on_others_check_ins(world: World, things: Everything) -> None:
    with pytest.raises(PermissionDenied):
        toggle_reaction(actor=world.viewer, check_in=things.acme.check_in, emoji="eyes")
