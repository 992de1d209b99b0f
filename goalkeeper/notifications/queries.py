"""Reading the inbox: what is open now, snoozed or done, and the count in the navigation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from goalkeeper.accounts.models import Person
from goalkeeper.notifications.kinds import KINDS
from goalkeeper.notifications.models import Notification

PAGE_SIZE = 50
# The navigation shows "99+" past this; counting further would cost for nothing.
COUNT_CAP = 99

VIEWS = ("open", "snoozed", "done")


def _visible(today: dt.date) -> Q:
    return Q(done_at__isnull=True) & (Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))


def items(person: Person, view: str, today: dt.date, kind: str = "") -> QuerySet[Notification]:
    """The person's items of one view ("open", "snoozed", "done"), newest first."""
    rows = Notification.objects.filter(person=person)
    if view == "snoozed":
        rows = rows.filter(done_at__isnull=True, snoozed_until__gt=today).order_by(
            "snoozed_until", "-id"
        )
    elif view == "done":
        rows = rows.filter(done_at__isnull=False).order_by("-done_at", "-id")
    else:
        rows = rows.filter(_visible(today))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("actor")


@dataclass(frozen=True)
class Counts:
    open: int
    snoozed: int
    by_kind: dict[str, int]


def counts(person: Person, today: dt.date) -> Counts:
    """How many items are open (per kind) and snoozed; one query."""
    rows = (
        Notification.objects.filter(person=person, done_at__isnull=True)
        .values("kind")
        .annotate(
            open=Count("id", filter=_visible(today)),
            snoozed=Count("id", filter=Q(snoozed_until__gt=today)),
        )
    )
    by_kind = {r["kind"]: r["open"] for r in rows if r["open"] and r["kind"] in KINDS}
    return Counts(
        open=sum(by_kind.values()), snoozed=sum(r["snoozed"] for r in rows), by_kind=by_kind
    )


def open_count(person: Person, today: dt.date) -> int:
    """The number in the navigation: open items, counted up to COUNT_CAP + 1 (one query)."""
    ids = Notification.objects.filter(Q(person=person) & _visible(today)).values_list(
        "id", flat=True
    )[: COUNT_CAP + 1]
    return len(list(ids))
