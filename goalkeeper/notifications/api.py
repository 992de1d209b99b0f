"""REST endpoints of the notifications app: my inbox, watching, my delivery preferences."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import Day, Flag, Id, Input, Page, PageParams
from goalkeeper.notifications import queries, services
from goalkeeper.notifications.kinds import KINDS
from goalkeeper.notifications.models import Notification
from goalkeeper.notifications.preferences import all_email_off, table_for
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.notifications.watching import is_watching

router = Router(tags=["inbox"])

View = Literal["open", "snoozed", "done"]
Watchable = Literal["objective", "key_result", "kpi"]
EmailChoice = Literal["immediate", "batched", "off"]


class InboxParams(PageParams):
    view: View = "open"
    kind: str = Field("", description="only items of this kind (see the preferences' kinds)")


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    subject_type: str | None
    subject_id: int | None
    actor: int | None
    created_at: dt.datetime
    done_at: dt.datetime | None
    snoozed_until: dt.date | None


class InboxPage(Page):
    open: int
    items: list[NotificationOut]


class SnoozeIn(Input):
    until: Day


class WatchIn(Input):
    watching: Flag


class WatchOut(Schema):
    subject_type: str
    subject_id: int
    watching: bool


class ChoiceOut(Schema):
    kind: str
    label: str
    email: EmailChoice
    chat: bool


class PreferencesOut(Schema):
    email: bool = Field(description="false: no email at all (the inbox keeps everything)")
    kinds: list[ChoiceOut]


class ChoiceIn(Input):
    email: EmailChoice
    chat: Flag = False


class PreferencesIn(Input):
    email: Flag = True
    kinds: dict[str, ChoiceIn] = Field(default_factory=dict)


def _out(item: Notification) -> NotificationOut:
    return NotificationOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        body=item.body,
        url=item.url,
        subject_type=item.subject_type or None,
        subject_id=item.subject_id,
        actor=item.actor_id,
        created_at=item.created_at,
        done_at=item.done_at,
        snoozed_until=item.snoozed_until,
    )


def _own(request: HttpRequest, notification_id: int) -> Notification:
    person = caller(request)
    item = Notification.objects.filter(pk=notification_id, person=person).first()
    if item is None:
        raise Http404("no such item in your inbox")
    return item


@router.get("/inbox", response=responses({200: InboxPage}, READ_MANY))
def list_inbox(request: HttpRequest, params: Query[InboxParams]) -> InboxPage:
    """My inbox: open (default), snoozed or done items, newest first."""
    person = caller(request)
    today = person.workspace.clock().today
    kind = params.kind if params.kind in KINDS else ""
    # The inbox's own order (newest first): its cursor carries a position.
    found = listing(request, queries.items(person, params.view, today, kind), params, sort="")
    return InboxPage(
        count=found.count,
        next=found.next,
        open=queries.open_count(person, today),
        items=[_out(i) for i in found.items],
    )


@router.post("/inbox/{id}/done", response=responses({200: NotificationOut}, UPDATE))
def mark_inbox_item_done(request: HttpRequest, id: Id) -> NotificationOut:
    """Mark one of my items as done."""
    item = _own(request, id)
    services.mark_done(person=caller(request), ids=[item.pk])
    item.refresh_from_db()
    return _out(item)


@router.post("/inbox/{id}/snooze", response=responses({200: NotificationOut}, UPDATE))
def snooze_inbox_item(request: HttpRequest, id: Id, payload: SnoozeIn) -> NotificationOut:
    """Hide one of my open items until the morning of `until`."""
    item = _own(request, id)
    services.snooze(person=caller(request), notification_id=item.pk, until=payload.until)
    item.refresh_from_db()
    return _out(item)


@router.put("/watches/{subject_type}/{subject_id}", response=responses({200: WatchOut}, UPDATE))
def set_watch(
    request: HttpRequest, subject_type: Watchable, subject_id: Id, payload: WatchIn
) -> WatchOut:
    """Watch (true) or stop watching (false) an objective, key result or KPI."""
    person = caller(request)
    info = describe_one((subject_type, subject_id))
    if info is None or info.workspace_id != person.workspace_id:
        raise Http404(f"no such {subject_type.replace('_', ' ')} in your workspace")
    services.set_watching(person=person, info=info, watching=payload.watching)
    return WatchOut(
        subject_type=subject_type, subject_id=subject_id, watching=is_watching(person.pk, info)
    )


@router.get("/watches/{subject_type}/{subject_id}", response=responses({200: WatchOut}, READ_ONE))
def get_watch(request: HttpRequest, subject_type: Watchable, subject_id: Id) -> WatchOut:
    """Whether I watch an objective, key result or KPI (owners and team leads by default)."""
    person = caller(request)
    info = describe_one((subject_type, subject_id))
    if info is None or info.workspace_id != person.workspace_id:
        raise Http404(f"no such {subject_type.replace('_', ' ')} in your workspace")
    return WatchOut(
        subject_type=subject_type, subject_id=subject_id, watching=is_watching(person.pk, info)
    )


def _preferences(person_id: int) -> PreferencesOut:
    table = table_for(person_id)
    return PreferencesOut(
        email=not all_email_off(person_id),
        kinds=[
            ChoiceOut(
                kind=name,
                label=str(KINDS[name].label),
                email=choice.email.value,
                chat=choice.chat,
            )
            for name, choice in table.items()
        ],
    )


@router.get("/notification-preferences", response=responses({200: PreferencesOut}, READ_ONE))
def get_notification_preferences(request: HttpRequest) -> PreferencesOut:
    """How each kind of notification reaches me."""
    return _preferences(caller(request).pk)


@router.put("/notification-preferences", response=responses({200: PreferencesOut}, UPDATE))
def put_notification_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    """Change my choices: the kinds given, and the master email switch."""
    person = caller(request)
    services.set_preferences(
        person=person,
        choices={k: (c.email, c.chat) for k, c in payload.kinds.items()},
        all_email=payload.email,
    )
    return _preferences(person.pk)
