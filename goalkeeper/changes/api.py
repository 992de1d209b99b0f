"""`GET /changes`: what was created, changed or deleted in the workspace, in order.

A client mirroring a workspace reads the feed from the start once, keeps the `cursor` of
the last page, and later asks again with `since=<cursor>`: it gets every object created or
changed since (once, at its latest change) and a tombstone for every object deleted.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any, Literal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from goalkeeper.api.auth import caller
from goalkeeper.api.common import NEXT_LINK
from goalkeeper.api.errors import READ_MANY, responses
from goalkeeper.api.schemas import MAX_CURSOR, MAX_LIMIT, AnyOf
from goalkeeper.changes.models import Tombstone
from goalkeeper.changes.tracking import TRACKED, Tracked

router = Router(tags=["changes"])

ChangeType = Literal[
    "cycle",
    "objective",
    "key_result",
    "check_in",
    "kpi",
    "team",
    "person",
    "source",
    "webhook",
    "comment",
    "measurement",
]
ChangeKind = Literal["created", "updated", "deleted"]
DEFAULT_CHANGES = 100


class ChangeOut(Schema):
    type: ChangeType = Field(description="the kind of object; its endpoint reads it by `id`")
    id: int
    change: ChangeKind = Field(
        description=(
            "created: new since `since` (or every object without `since`); updated: changed "
            "since; deleted: gone (read no more)"
        )
    )
    at: dt.datetime = Field(description="its latest change (`updated_at`), or its deletion")
    kpi: int | None = Field(
        None,
        description=(
            "a measurement's KPI (read it in `GET /kpis/{kpi}/measurements`, where each raw "
            "value carries this `id`); null for other types"
        ),
    )


class ChangePage(Schema):
    items: list[ChangeOut]
    next: str | None = Field(description="the URL of the next page; null on the last")
    cursor: str | None = Field(
        description=(
            "where this page ends: keep it and ask `since=<cursor>` later for what comes "
            "after (null when the feed is empty and no `since` was given)"
        )
    )


class ChangeParams(Schema):
    since: str | None = Field(
        None,
        max_length=MAX_CURSOR,
        description=(
            "a `cursor` of an earlier answer (exclusive), or an ISO 8601 instant with a zone "
            "(included); omitted: from the beginning"
        ),
    )
    type: AnyOf[ChangeType] = Field(None, description="only these types")
    limit: int = Field(DEFAULT_CHANGES, ge=1, le=MAX_LIMIT, description="items per page (1-500)")


# A position in the feed: the instant, then type and id to order what happened at once.
Position = tuple[dt.datetime, str, int]
# A row of the feed: its position, its kind of change and the object it belongs to.
Row = tuple[Position, str, int | None]


def _encode(position: Position) -> str:
    at, type_name, pk = position
    raw = json.dumps({"at": at.isoformat(), "t": type_name, "id": pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _since(value: str) -> tuple[dt.datetime, Position | None]:
    """The instant `since` names, and the position after which the feed resumes (none for
    an instant: everything at or after it)."""
    if ":" in value:
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError({"since": "not an ISO 8601 instant nor a cursor"}) from exc
        if instant.tzinfo is None:
            raise ValidationError({"since": "an instant needs a zone (Z or +hh:mm)"})
        return instant, None
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        position = (dt.datetime.fromisoformat(data["at"]), str(data["t"]), int(data["id"]))
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise ValidationError({"since": "not an ISO 8601 instant nor a cursor"}) from exc
    if position[0].tzinfo is None:
        raise ValidationError({"since": "not an ISO 8601 instant nor a cursor"})
    return position[0], position


def _after_live(tracked: Tracked, since: dt.datetime, position: Position | None) -> Q:
    field = tracked.changed
    if position is None:
        return Q(**{f"{field}__gte": since})
    at, type_name, pk = position
    if tracked.name > type_name:
        return Q(**{f"{field}__gte": at})
    if tracked.name < type_name:
        return Q(**{f"{field}__gt": at})
    return Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk})


def _after_tombstone(since: dt.datetime, position: Position | None) -> Q:
    if position is None:
        return Q(deleted_at__gte=since)
    at, type_name, pk = position
    return (
        Q(deleted_at__gt=at)
        | Q(deleted_at=at, type__gt=type_name)
        | Q(deleted_at=at, type=type_name, object_id__gt=pk)
    )


@router.get("/changes", response=responses({200: ChangePage}, READ_MANY))
def list_changes(request: HttpRequest, params: Query[ChangeParams]) -> ChangePage:
    """What was created, changed or deleted, oldest change first (ordered by `at`, then
    type and id): one query per type whatever the page size."""
    person = caller(request)
    since: dt.datetime | None = None
    position: Position | None = None
    if params.since is not None:
        since, position = _since(params.since)
    wanted = [
        tracked
        for name, tracked in sorted(TRACKED.items())
        if (params.type is None or name in params.type)
        and (person.is_admin or not tracked.admins_only)
    ]
    rows: list[Row] = []
    for tracked in wanted:
        manager = tracked.model._default_manager
        found = manager.filter(**{tracked.workspace_lookup: person.workspace_id})
        if since is not None:
            found = found.filter(_after_live(tracked, since, position))
        # Each type reads at most a page and one more row, however many changed at once
        # (a batch of 10,000 measurements shares one instant: the cursor's id splits it).
        for pk, created_at, changed_at, parent in found.order_by(tracked.changed, "pk").values_list(
            "pk", "created_at", tracked.changed, tracked.parent or "pk"
        )[: params.limit + 1]:
            kind = "created" if since is None or created_at >= since else "updated"
            rows.append(((changed_at, tracked.name, pk), kind, parent if tracked.parent else None))
    tombstones = Tombstone.objects.filter(
        workspace_id=person.workspace_id, type__in=[tracked.name for tracked in wanted]
    )
    if since is not None:
        tombstones = tombstones.filter(_after_tombstone(since, position))
    for at, type_name, pk, parent in tombstones.order_by(
        "deleted_at", "type", "object_id"
    ).values_list("deleted_at", "type", "object_id", "parent_id")[: params.limit + 1]:
        rows.append(((at, type_name, pk), "deleted", parent))
    rows.sort(key=lambda row: row[0])
    page = rows[: params.limit]
    items = [
        ChangeOut(type=type_name, id=pk, change=kind, at=at, kpi=parent)  # type: ignore[arg-type]
        for (at, type_name, pk), kind, parent in page
    ]
    cursor = _encode(page[-1][0]) if page else params.since
    link = None
    if len(rows) > params.limit and cursor is not None:
        link = _next_link(request, cursor)
        setattr(request, NEXT_LINK, link)
    return ChangePage(items=items, next=link, cursor=cursor)


def _next_link(request: HttpRequest, cursor: str) -> str:
    pairs: list[tuple[str, Any]] = [
        (name, value) for name, values in request.GET.lists() if name != "since" for value in values
    ]
    pairs.append(("since", cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(pairs)}")
