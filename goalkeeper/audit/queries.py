"""Reads of the audit trail: one object's history and the workspace's log, as view models.

Entries store field changes as {field: [old, new]} with related objects by id; the readers
here turn those ids into names with one query per kind of object on the page, so a page of
history costs the same few queries whatever it shows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.audit import sentences, words
from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.models import KeyResult, Objective

HISTORY_LIMIT = 50
PER_PAGE = 50
NO_VALUE = "-"
LONG_TEXT = 160

# The names the trail files objects under (`Model._meta.model_name`) and how they read.
TYPE_LABELS: dict[str, Any] = {
    "objective": _("Objective"),
    "keyresult": _("Key result"),
    "kpi": _("KPI"),
    "cycle": _("Cycle"),
    "team": _("Team"),
    "person": _("Person"),
    "workspace": _("Workspace"),
    "invitation": _("Invitation"),
    "comment": _("Comment"),
    "reaction": _("Reaction"),
    "dashboard": _("Dashboard"),
    "datasource": _("Data source"),
    "subscription": _("Webhook"),
    "chatchannel": _("Chat channel"),
    "apitoken": _("API token"),
    "export": _("Export"),
    "digestschedule": _("Digest schedule"),
}

ACTION_LABELS: dict[str, Any] = {
    "comment.created": _("posted"),
    "comment.updated": _("edited"),
    "comment.deleted": _("deleted"),
    "reaction.added": _("added"),
    "reaction.removed": _("took back"),
    "workspace.created": _("created the workspace"),
    "workspace.settings_changed": _("changed the settings of"),
    "person.added": _("added"),
    "person.updated": _("updated"),
    "person.role_changed": _("changed the role of"),
    "person.teams_changed": _("changed the teams of"),
    "person.deactivated": _("deactivated"),
    "person.reactivated": _("reactivated"),
    "person.removed": _("removed from the workspace"),
    "person.password_changed": _("changed the password of"),
    "invitation.created": _("invited"),
    "invitation.accepted": _("accepted the invitation for"),
    "invitation.revoked": _("revoked the invitation for"),
    "team.created": _("created team"),
    "team.renamed": _("renamed team"),
    "team.moved": _("moved team"),
    "team.archived": _("archived team"),
    "team.restored": _("restored team"),
    "team.member_added": _("added a member to"),
    "cycle.created": _("created cycle"),
    "objective.created": _("created objective"),
    "objective.updated": _("updated objective"),
    "objective.closed": _("closed objective"),
    "objective.owner_changed": _("handed over objective"),
    "objective.review_requested": _("asked for a review of objective"),
    "objective.review_approved": _("approved objective"),
    "objective.review_returned": _("sent back objective"),
    "key_result.created": _("created key result"),
    "key_result.updated": _("updated key result"),
    "key_result.owner_changed": _("handed over key result"),
    "check_in.created": _("checked in on"),
    "kpi.created": _("created KPI"),
    "kpi.updated": _("updated KPI"),
    "kpi.owner_changed": _("handed over KPI"),
    "kpi.measurements_recorded": _("recorded values of KPI"),
    "kpi.recovery_created": _("created a recovery objective for KPI"),
    "kpi.recovery_dismissed": _("dismissed a recovery draft of KPI"),
    "key_result.promoted": _("promoted a key result to KPI"),
    "objective.guardrail_added": _("added a guardrail to objective"),
    "objective.guardrail_removed": _("removed a guardrail from objective"),
    "kpi.driver_added": _("declared a driver link of KPI"),
    "kpi.driver_removed": _("removed a driver link of KPI"),
}

# Pages that show one object, by the trail's type name; a link appears once the route exists.
_OBJECT_ROUTES: dict[str, str] = {
    "objective": "objective_detail",
    "keyresult": "key_result_detail",
    "kpi": "kpi_detail",
    "team": "admin_team_edit",
    "person": "admin_person_edit",
    "cycle": "cycle_detail",
}


@dataclass(frozen=True)
class FieldChange:
    """One changed field, ready to show: "Owner: Eddie Editor -> Vera Viewer"."""

    field: str
    label: str
    old: str
    new: str

    @property
    def is_creation(self) -> bool:
        return self.old == NO_VALUE


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry as a page shows it."""

    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    verb: str
    object_type: str
    object_label: str
    object_id: int | None
    object_repr: str
    object_url: str | None
    changes: tuple[FieldChange, ...]
    # The entry as a sentence ("Robin changed the target of ... from 12 to 8") and, when it
    # changed several things, one line per change.
    sentence: str = ""
    details: tuple[SafeString, ...] = ()


def object_filter(target: models.Model | tuple[str, Sequence[int]]) -> Q:
    """The entries about `target`: a model instance, or (trail type name, ids).

    An objective's history includes its key results' entries (their check-ins among them).
    """
    if isinstance(target, tuple):
        object_type, ids = target
        return Q(object_type=object_type, object_id__in=list(ids))
    object_type = target._meta.model_name or ""
    condition = Q(object_type=object_type, object_id=target.pk)
    if isinstance(target, Objective):
        key_results = list(KeyResult.objects.filter(objective=target).values_list("pk", flat=True))
        if key_results:
            condition |= Q(object_type="keyresult", object_id__in=key_results)
    return condition


def history_for(
    workspace: Workspace,
    target: models.Model | tuple[str, Sequence[int]],
    *,
    limit: int = HISTORY_LIMIT,
) -> tuple[HistoryEntry, ...]:
    """The newest `limit` entries about `target` in `workspace`, newest first.

    At most two queries to find the entries (one to list an objective's key results) and
    one per kind of referenced object to name them.
    """
    entries = list(
        AuditEntry.objects.filter(workspace=workspace)
        .filter(object_filter(target))
        .order_by("-at", "-id")[:limit]
    )
    return describe(workspace, entries)


@dataclass(frozen=True)
class AuditFilters:
    """What the workspace's log is narrowed to."""

    actor: int | None = None
    object_type: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.actor or self.object_type or self.action or self.since or self.until or self.q
        )


def filtered(
    workspace: Workspace, filters: AuditFilters, zone: dt.tzinfo = dt.UTC
) -> QuerySet[AuditEntry]:
    """The workspace's entries matching `filters` (dates are days in `zone`), newest first."""
    rows = AuditEntry.objects.filter(workspace=workspace)
    if filters.actor:
        rows = rows.filter(actor_id=filters.actor)
    if filters.object_type:
        rows = rows.filter(object_type=filters.object_type)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.since:
        rows = rows.filter(at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone))
    if filters.until:
        after = filters.until + dt.timedelta(days=1)
        rows = rows.filter(at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=zone))
    if filters.q.strip():
        term = filters.q.strip()
        rows = rows.filter(Q(object_repr__icontains=term) | Q(actor_name__icontains=term))
    return rows.order_by("-at", "-id")


def workspace_history(
    workspace: Workspace,
    filters: AuditFilters,
    page: int | str = 1,
    zone: dt.tzinfo = dt.UTC,
    per_page: int = PER_PAGE,
) -> tuple[Page[AuditEntry], tuple[HistoryEntry, ...]]:
    """One page of the workspace's log (a count, a page of rows, and their names)."""
    paginator = Paginator(filtered(workspace, filters, zone), per_page)
    current = paginator.get_page(page)
    return current, describe(workspace, list(current.object_list))


def filter_choices(workspace: Workspace) -> dict[str, list[tuple[str, str]]]:
    """The actors, object types and actions that occur in the log, for its filter pickers."""
    types = AuditEntry.objects.filter(workspace=workspace).values_list("object_type", flat=True)
    actions = AuditEntry.objects.filter(workspace=workspace).values_list("action", flat=True)
    people = Person.objects.filter(workspace=workspace).order_by("name", "id")
    return {
        "actors": [(str(p.pk), p.name) for p in people],
        "types": [(t, type_label(t)) for t in sorted(set(types.distinct().order_by()))],
        "actions": [
            (a, action_label(a).capitalize()) for a in sorted(set(actions.distinct().order_by()))
        ],
    }


def export_rows(
    workspace: Workspace, filters: AuditFilters, zone: dt.tzinfo = dt.UTC
) -> Iterator[AuditEntry]:
    """Every matching entry, streamed in chunks (for the CSV export)."""
    return filtered(workspace, filters, zone).iterator(chunk_size=2000)


# --- Turning entries into readable history ---------------------------------------------------


def describe(workspace: Workspace, entries: Sequence[AuditEntry]) -> tuple[HistoryEntry, ...]:
    """Entries as view models: each a sentence (`sentences.tell`), ids turned into names."""
    lookup = _Lookup(workspace, entries)
    described = []
    for e in entries:
        url = object_url(e.object_type, e.object_id)
        unit, kind = lookup.unit_and_kind(e.object_type, e.object_id)
        facts = words.Facts(name_of=lookup.name_of, unit=unit, kind=kind, url=url)
        every = words.pairs(e.changes)
        told = sentences.tell(
            action=e.action,
            actor_name=e.actor_name,
            object_type=e.object_type,
            object_repr=e.object_repr,
            changes=e.changes,
            facts=facts,
        )
        described.append(
            HistoryEntry(
                id=e.pk,
                at=e.at,
                actor_id=e.actor_id,
                actor_name=e.actor_name or "system",
                action=e.action,
                verb=action_label(e.action),
                object_type=e.object_type,
                object_label=type_label(e.object_type),
                object_id=e.object_id,
                object_repr=e.object_repr,
                object_url=url,
                changes=tuple(
                    FieldChange(
                        field=field,
                        label=words.field_label(field).capitalize(),
                        old=_text(words.shown(e.object_type, field, old, facts)),
                        new=_text(words.shown(e.object_type, field, new, facts)),
                    )
                    for field, old, new in words.worth_telling(every)
                ),
                sentence=told.sentence,
                details=told.details,
            )
        )
    return tuple(described)


def _text(value: Any) -> str:
    return words.plain(str(value))


def type_label(object_type: str) -> str:
    """What the trail's type name reads as: "keyresult" -> "Key result"."""
    return str(TYPE_LABELS.get(object_type, object_type.capitalize()))


def action_label(action: str) -> str:
    """ "objective.updated" -> "updated objective"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    noun, _, verb = action.partition(".")
    return f"{verb.replace('_', ' ')} {noun.replace('_', ' ')}".strip()


def field_label(field: str) -> str:
    return words.field_label(field).capitalize()


def object_url(object_type: str, object_id: int | None) -> str | None:
    """The page of one object (by the trail's type name), once a route for it exists."""
    route = _OBJECT_ROUTES.get(object_type)
    if route is None or object_id is None:
        return None
    try:
        return reverse(route, args=[object_id])
    except NoReverseMatch:
        return None


# The objects whose unit (and kind) the sentences need: numbers read "€600,000", a milestone
# says done or not done.
_MEASURED: dict[str, tuple[str, str]] = {"keyresult": ("okrs", "KeyResult"), "kpi": ("kpis", "Kpi")}


def _ids(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _ids(item)


class _Lookup:
    """Names of the objects a page of entries refers to by id, and the units and kinds of the
    objects they are about: one query per kind of object, whatever the number of entries."""

    def __init__(self, workspace: Workspace, entries: Iterable[AuditEntry]) -> None:
        wanted: dict[tuple[str, str], set[int]] = {}
        for e in entries:
            if e.object_type in _MEASURED and e.object_id is not None:
                wanted.setdefault(_MEASURED[e.object_type], set()).add(e.object_id)
            for field, old, new in words.pairs(e.changes):
                if field == "parents":
                    for links in (old, new):
                        for link in links if isinstance(links, list) else []:
                            if isinstance(link, dict):
                                for name in ("objective", "key_result"):
                                    kind = words.REFERENCES[name]
                                    wanted.setdefault(kind, set()).update(_ids(link.get(name)))
                    continue
                referred = words.reference(e.object_type, field)
                if referred is not None:
                    wanted.setdefault(referred, set()).update(_ids(old))
                    wanted.setdefault(referred, set()).update(_ids(new))
        self._names: dict[tuple[str, str], dict[int, str]] = {}
        self._measures: dict[tuple[str, str], dict[int, tuple[str, str]]] = {}
        for key, ids in wanted.items():
            if not ids:
                continue
            found = apps.get_model(*key)
            # Scoped to the workspace: an id from elsewhere reads as a deleted object.
            rows = found._default_manager.filter(pk__in=ids, workspace=workspace)
            self._names[key] = {}
            self._measures[key] = {}
            for row in rows:
                self._names[key][row.pk] = str(row)
                self._measures[key][row.pk] = (
                    str(getattr(row, "unit", "") or ""),
                    str(getattr(row, "kind", "") or ""),
                )

    def name_of(self, model: tuple[str, str], pk: int) -> str | None:
        return self._names.get(model, {}).get(pk)

    def unit_and_kind(self, object_type: str, pk: int | None) -> tuple[str, str]:
        model = _MEASURED.get(object_type)
        if model is None or pk is None:
            return "", ""
        return self._measures.get(model, {}).get(pk, ("", ""))


def show_value(value: Any) -> str:
    """A stored value as text: "-" for nothing, "Yes"/"No", lists joined, long text cut."""
    if value is None or value == "" or value == []:
        return NO_VALUE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value) or NO_VALUE
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "\u2026"
