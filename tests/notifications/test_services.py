"""notify, resolve, done, snooze, read, watch and preferences (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from goalkeeper.accounts.services import deactivate_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.notifications import queries, services
from goalkeeper.notifications.kinds import ALL, KINDS, Email
from goalkeeper.notifications.models import EmailState, Notification, Preference
from goalkeeper.notifications.preferences import choices_for, table_for, wants_email
from goalkeeper.notifications.subjects import describe_one
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)


def _notify(plan: Plan, people: list[int], **extra: object) -> int:
    args: dict[str, object] = {
        "workspace_id": plan.world.acme.pk,
        "people": people,
        "kind": "mention",
        "title": "Ada mentioned you",
        "url": "/objectives/1/",
        "subject": ("objective", plan.objective.pk),
        **extra,
    }
    return services.notify(**args)  # type: ignore[arg-type]


def test_notify_writes_one_item_per_person_and_never_to_the_actor(plan: Plan) -> None:
    w = plan.world
    written = _notify(plan, [w.editor.pk, w.owner.pk, w.admin.pk], actor_id=w.admin.pk)
    assert written == 2
    assert set(Notification.objects.values_list("person_id", flat=True)) == {
        w.editor.pk,
        w.owner.pk,
    }


def test_notify_skips_deactivated_people_and_people_of_other_workspaces(plan: Plan) -> None:
    w = plan.world
    deactivate_person(actor=w.admin, person=w.viewer, new_owner=None)
    assert _notify(plan, [w.viewer.pk, w.outsider.pk]) == 0
    assert not Notification.objects.exists()


def test_an_open_item_with_the_same_key_is_not_written_twice(plan: Plan) -> None:
    w = plan.world
    assert _notify(plan, [w.editor.pk], key="kpi:1:red") == 1
    assert _notify(plan, [w.editor.pk], key="kpi:1:red") == 0
    services.mark_all_done(person=w.editor)
    assert _notify(plan, [w.editor.pk], key="kpi:1:red") == 1
    assert Notification.objects.count() == 2


def test_unknown_kinds_are_refused(plan: Plan) -> None:
    with pytest.raises(ValueError, match="unknown notification kind 'gossip'"):
        _notify(plan, [plan.world.editor.pk], kind="gossip")


def test_email_state_follows_each_persons_choice(plan: Plan) -> None:
    w = plan.world
    services.set_preferences(person=w.owner, choices={"mention": ("batched", False)})
    services.set_preferences(person=w.admin, choices={"mention": ("off", False)})
    _notify(plan, [w.editor.pk, w.owner.pk, w.admin.pk])
    states = dict(Notification.objects.values_list("person_id", "email_state"))
    assert states == {
        w.editor.pk: EmailState.PENDING,
        w.owner.pk: EmailState.BATCHED,
        w.admin.pk: EmailState.NONE,
    }


def test_resolve_clears_open_items_about_the_subject_only(plan: Plan) -> None:
    w = plan.world
    subject = ("key_result", plan.key_result.pk)
    _notify(plan, [w.editor.pk, w.owner.pk], kind="check_in_due", subject=subject)
    _notify(plan, [w.editor.pk], kind="check_in_due", subject=("key_result", 999))
    cleared = services.resolve(workspace_id=w.acme.pk, kind="check_in_due", subject=subject)
    assert cleared == 2
    assert Notification.objects.filter(done_at__isnull=True).count() == 1


def test_snooze_hides_until_the_morning_of_the_date(plan: Plan) -> None:
    w = plan.world
    with time_machine.travel(NOW, tick=False):
        _notify(plan, [w.editor.pk])
        item = Notification.objects.get()
        today = w.acme.clock().today
        services.snooze(
            person=w.editor, notification_id=item.pk, until=today + dt.timedelta(days=2)
        )
        assert queries.open_count(w.editor, today) == 0
        assert queries.counts(w.editor, today).snoozed == 1
        later = today + dt.timedelta(days=2)
        assert queries.open_count(w.editor, later) == 1


@pytest.mark.parametrize(("days", "reason"), [(0, "after today"), (400, "within a year")])
def test_snooze_refuses_dates_that_make_no_sense(plan: Plan, days: int, reason: str) -> None:
    w = plan.world
    _notify(plan, [w.editor.pk])
    item = Notification.objects.get()
    until = w.acme.clock().today + dt.timedelta(days=days)
    with pytest.raises(ValidationError, match=reason):
        services.snooze(person=w.editor, notification_id=item.pk, until=until)


def test_nobody_clears_or_snoozes_someone_elses_item(plan: Plan) -> None:
    w = plan.world
    _notify(plan, [w.editor.pk])
    item = Notification.objects.get()
    assert services.mark_done(person=w.owner, ids=[item.pk]) == 0
    tomorrow = w.acme.clock().today + dt.timedelta(days=1)
    assert services.snooze(person=w.owner, notification_id=item.pk, until=tomorrow) == 0
    item.refresh_from_db()
    assert item.done_at is None
    assert item.snoozed_until is None


def test_reading_clears_a_heads_up_but_not_a_task(plan: Plan) -> None:
    w = plan.world
    _notify(plan, [w.editor.pk], kind="mention")
    _notify(plan, [w.editor.pk], kind="check_in_due", subject=("key_result", plan.key_result.pk))
    for item in Notification.objects.all():
        services.read(person=w.editor, notification=item)
    left = Notification.objects.filter(done_at__isnull=True).values_list("kind", flat=True)
    assert list(left) == ["check_in_due"]


def test_undo_puts_a_cleared_item_back(plan: Plan) -> None:
    w = plan.world
    _notify(plan, [w.editor.pk])
    item = Notification.objects.get()
    services.mark_done(person=w.editor, ids=[item.pk])
    assert services.reopen(person=w.editor, notification_id=item.pk) == 1
    item.refresh_from_db()
    assert item.done_at is None


def test_preferences_default_to_each_kind_and_save_with_an_audit_entry(plan: Plan) -> None:
    w = plan.world
    assert table_for(w.editor.pk)["comment"].email == KINDS["comment"].email
    services.set_preferences(
        person=w.editor, choices={"comment": ("off", True), "mention": ("batched", False)}
    )
    table = table_for(w.editor.pk)
    assert table["comment"].email == Email.OFF
    assert table["comment"].chat
    assert table["mention"].email == Email.BATCHED
    entry = AuditEntry.objects.get(action="notifications.preferences_changed")
    assert entry.changes["comment"] == [None, "off"]


@pytest.mark.parametrize(
    ("choices", "field", "reason"),
    [
        ({"gossip": ("off", False)}, "gossip", "unknown notification kind"),
        ({"mention": ("loud", False)}, "mention", "email must be one of"),
        ({"digest": ("batched", False)}, "digest", "a weekly email is sent or not"),
    ],
)
def test_bad_preferences_name_the_kind_and_save_nothing(
    plan: Plan, choices: dict[str, tuple[str, bool]], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.set_preferences(person=plan.world.editor, choices=choices)
    assert reason in caught.value.message_dict[field][0]
    assert not Preference.objects.exists()


def test_unsubscribing_from_all_turns_every_email_off(plan: Plan) -> None:
    w = plan.world
    services.unsubscribe(person=w.editor, kind=ALL)
    assert not wants_email(w.editor.pk, "mention")
    assert not wants_email(w.editor.pk, "digest")
    assert choices_for([w.editor.pk, w.owner.pk], "mention")[w.owner.pk].email == Email.IMMEDIATE
    assert AuditEntry.objects.filter(action="notifications.unsubscribed").count() == 1
    services.unsubscribe(person=w.editor, kind=ALL)  # again: nothing changes, no new entry
    assert AuditEntry.objects.filter(action="notifications.unsubscribed").count() == 1


def test_watching_refuses_other_workspaces_and_unwatchable_things(plan: Plan) -> None:
    w = plan.world
    info = describe_one(("objective", plan.objective.pk))
    assert info is not None
    with pytest.raises(ValidationError, match="no such item in this workspace"):
        services.set_watching(person=w.outsider, info=info, watching=True)
    check_in = describe_one(("check_in", 1))
    if check_in is not None:
        with pytest.raises(ValidationError, match="cannot be watched"):
            services.set_watching(person=w.editor, info=check_in, watching=True)
