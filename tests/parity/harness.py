"""Web and API parity: the same write through either path leaves the same traces.

`compare_paths` runs the web path and the API path of one write from the same starting
rows (each inside a savepoint that is rolled back afterwards), with the clock frozen, and
compares what each left behind, field by field:

- the rows of every table of the product (created, changed and deleted rows),
- the audit entries,
- the events the services emitted (which webhooks deliver).

Ids of rows created by the write differ between the two runs on PostgreSQL (sequences do not
roll back), so they are replaced by `<app.Model#n>` in creation order, wherever they appear:
primary keys, foreign keys, event payloads and audit changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import time_machine
from django.apps import apps
from django.db import models, transaction

from goalkeeper import events
from goalkeeper.audit.models import AuditEntry

# A moment inside the test world's active cycle (2026-Q4).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
APPS = ("accounts", "okrs", "kpis", "sources", "audit", "bridges", "webhooks", "comments")
# Rows that are not a product's truth: sessions, rate-limit attempts, webhook deliveries (a
# projection of the events, compared as events).
SKIPPED = {"accounts.Attempt", "webhooks.Delivery"}
# Keys that hold the id of a row of the named model, in payloads and audit changes.
REFERENCE_KEYS = {
    "objective": "okrs.Objective",
    "parent": "okrs.Objective",
    "carried_from": "okrs.Objective",
    "key_result": "okrs.KeyResult",
    "key_results": "okrs.KeyResult",
    "contributes_to": "okrs.KeyResult",
    "parent_key_result": "okrs.KeyResult",
    "origin_key_result": "okrs.KeyResult",
    "kpis": "kpis.Kpi",
    "check_in": "okrs.CheckIn",
    "cycle": "okrs.Cycle",
    "kpi": "kpis.Kpi",
    "team": "accounts.Team",
    "owner": "accounts.Person",
    "author": "accounts.Person",
    "new_owner": "accounts.Person",
    "comment": "comments.Comment",
    "reaction": "comments.Reaction",
}

# Fields that record through which channel a value came (a value typed on the page is
# "manual", one posted to the API "api"): the one difference the two paths must show.
CHANNEL_FIELDS = {("kpis.Kpi", "last_source"), ("kpis.Measurement", "source")}
CHANNEL_KEYS = {"source"}  # the same, in audit changes and event payloads

# Fields random by design (a fresh webhook signing secret each time a subscription is made):
# both paths must set one, but never the same. Only these are replaced, by "<random>"; an empty
# value stays as it is, so a path that forgot to set one still differs.
RANDOM_FIELDS = {("webhooks.Subscription", "secret")}

Rows = dict[str, dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class Trace:
    """What one path left behind, with new ids replaced by placeholders."""

    created: dict[str, list[dict[str, Any]]]
    changed: dict[str, dict[int, dict[str, Any]]]
    deleted: dict[str, list[int]]
    audit: list[dict[str, Any]]
    events: list[tuple[str, Any]]


def _models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in APPS and label not in SKIPPED and label != "audit.AuditEntry":
            found.append(model)
    return found


def _snapshot() -> Rows:
    return {
        model._meta.label: {row["id"]: row for row in model.objects.order_by("pk").values()}
        for model in _models()
    }


class _Ids:
    """Replaces the ids of rows created by the write with stable placeholders."""

    def __init__(self, before: Rows, after: Rows) -> None:
        self.new: dict[str, dict[int, str]] = {}
        for label, rows in after.items():
            created = sorted(set(rows) - set(before.get(label, {})))
            self.new[label] = {pk: f"<{label}#{n}>" for n, pk in enumerate(created, 1)}

    def of(self, label: str, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return self.new.get(label, {}).get(value, value)
        return value

    def row(self, model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for name, value in row.items():
            if name == "id":
                value = self.of(model._meta.label, value)
            elif (model._meta.label, name) in CHANNEL_FIELDS:
                value = "<channel>"
            elif (model._meta.label, name) in RANDOM_FIELDS and value:
                value = "<random>"
            else:
                field = _field_by_column(model, name)
                if isinstance(field, models.ForeignKey):
                    value = self.of(field.related_model._meta.label, value)  # type: ignore[union-attr]
                value = self.value(value)
            clean[name] = value
        return clean

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, uuid.UUID):
            return "<uuid>"
        if key in CHANNEL_KEYS:
            return "<channel>"
        if isinstance(value, Mapping):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v, key) for v in value]
        if key is not None and key in REFERENCE_KEYS:
            return self.of(REFERENCE_KEYS[key], value)
        return value

    def payload(self, payload: Mapping[str, Any]) -> Any:
        """An event payload: `{"objective": {"id": 3, ...}}` maps the inner id too."""
        clean = {}
        for key, value in payload.items():
            if isinstance(value, Mapping) and key in REFERENCE_KEYS:
                inner = {k: self.value(v, k) for k, v in value.items()}
                if "id" in value:
                    inner["id"] = self.of(REFERENCE_KEYS[key], value["id"])
                clean[key] = inner
            else:
                clean[key] = self.value(value, key)
        return clean


def _field_by_column(model: type[models.Model], column: str) -> models.Field[Any, Any] | None:
    for field in model._meta.concrete_fields:
        if field.attname == column:
            return field
    return None


def _audit_since(last_id: int, ids: _Ids) -> list[dict[str, Any]]:
    entries = []
    for entry in AuditEntry.objects.filter(pk__gt=last_id).order_by("pk").values():
        label = _label_of(entry["object_type"])
        entries.append(
            {
                "actor": entry["actor_id"],
                "action": entry["action"],
                "object_type": entry["object_type"],
                "object": ids.of(label, entry["object_id"]) if label else entry["object_id"],
                "object_repr": entry["object_repr"],
                "changes": ids.value(entry["changes"]),
            }
        )
    return entries


def _label_of(object_type: str) -> str | None:
    for model in _models():
        if model._meta.model_name == object_type.replace("_", "") or (
            model._meta.label_lower.split(".")[1] == object_type.replace("_", "")
        ):
            return model._meta.label
    return None


def _last_audit_id() -> int:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def trace(action: Callable[[], object]) -> Trace:
    """Run `action` inside a savepoint, record what it left, then roll it back."""
    savepoint = transaction.savepoint()
    try:
        before = _snapshot()
        last_audit = _last_audit_id()
        with events.recorded() as seen:
            action()
        after = _snapshot()
        ids = _Ids(before, after)
        created: dict[str, list[dict[str, Any]]] = {}
        changed: dict[str, dict[int, dict[str, Any]]] = {}
        deleted: dict[str, list[int]] = {}
        for model in _models():
            label = model._meta.label
            old, new = before.get(label, {}), after.get(label, {})
            added = [ids.row(model, new[pk]) for pk in sorted(set(new) - set(old))]
            if added:
                created[label] = added
            gone = sorted(set(old) - set(new))
            if gone:
                deleted[label] = gone
            edits = {
                pk: {
                    name: ids.row(model, {name: value})[name]
                    for name, value in new[pk].items()
                    if old[pk].get(name) != value
                }
                for pk in set(old) & set(new)
                if old[pk] != new[pk]
            }
            if edits:
                changed[label] = edits
        return Trace(
            created=created,
            changed=changed,
            deleted=deleted,
            audit=_audit_since(last_audit, ids),
            events=[(event.name, ids.payload(event.payload)) for event in seen],
        )
    finally:
        transaction.savepoint_rollback(savepoint)


def compare_paths(
    web: Callable[[], object], api: Callable[[], object], *, rows: bool = True
) -> Trace:
    """Assert that the web path and the API path of a write leave the same traces.

    `rows=False` is for a write whose only row is a skipped one (a webhook ping queues a
    delivery and changes nothing else): its audit entry is then the trace both must leave.
    """
    with time_machine.travel(NOW, tick=False):
        by_web = trace(web)
        by_api = trace(api)
    assert by_web.created == by_api.created, _differ("created", by_web.created, by_api.created)
    assert by_web.changed == by_api.changed, _differ("changed", by_web.changed, by_api.changed)
    assert by_web.deleted == by_api.deleted, _differ("deleted", by_web.deleted, by_api.deleted)
    assert by_web.audit == by_api.audit, _differ("audit", by_web.audit, by_api.audit)
    assert by_web.events == by_api.events, _differ("events", by_web.events, by_api.events)
    # A write that leaves nothing behind proves nothing: both paths must have written.
    if rows:
        assert by_web.created or by_web.changed or by_web.deleted, "the write left no trace"
    assert by_web.audit, "the write left no audit entry"
    return by_web


def _differ(what: str, by_web: object, by_api: object) -> str:
    return f"{what} differ:\n  web: {by_web!r}\n  api: {by_api!r}"


def expect_status(response: Any, *codes: int) -> Any:
    """Fail with the body when a request did not answer as the write should."""
    status = getattr(response, "status_code", None)
    assert status in codes, f"{status}: {getattr(response, 'text', None) or response.content!r}"
    return response


def names(trace: Trace) -> list[str]:
    """The event names of a trace, in order."""
    return [name for name, _ in trace.events]


def only(items: Iterable[Any]) -> Any:
    (item,) = list(items)
    return item
