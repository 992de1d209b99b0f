"""Pages of the audit trail: the workspace's log (admins), its CSV export, and the history
of one object (anyone who may read the object), as a page or as an htmx fragment."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts import access
from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.audit import queries
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_key_result_by_id,
    access_objective_by_id,
)

# URL name of an object type -> (how the caller reaches it, the trail's type name).
HISTORY_TYPES: dict[str, tuple[Callable[[Person, int], models.Model], str]] = {
    "objective": (access_objective_by_id, "objective"),
    "key_result": (access_key_result_by_id, "keyresult"),
    "kpi": (access_kpi_by_id, "kpi"),
    "cycle": (access_cycle_by_id, "cycle"),
    "team": (access.access_team_by_id, "team"),
    # People's histories (roles, teams, deactivation) are for admins.
    "person": (lambda person, pk: access.access_person_by_id(person, pk, for_write=True), "person"),
}


@require_GET
@member_required
def object_history(
    request: HttpRequest, person: Person, object_type: str, object_id: int
) -> HttpResponse:
    """The history of one object: a fragment for htmx, a page otherwise."""
    if object_type not in HISTORY_TYPES:
        raise Http404("no such kind of object")
    reach, _ = HISTORY_TYPES[object_type]
    obj = reach(person, object_id)
    context = {
        "history": queries.history_for(person.workspace, obj),
        "subject": obj,
        "object_type": object_type,
        "type_label": queries.TYPE_LABELS.get(HISTORY_TYPES[object_type][1], object_type),
        "limit": queries.HISTORY_LIMIT,
        "back_url": queries.object_url(HISTORY_TYPES[object_type][1], obj.pk),
    }
    template = "audit/_history.html" if request.htmx else "audit/object_history.html"  # type: ignore[attr-defined]
    return render_page(request, person, template, context)


def _filters(request: HttpRequest) -> queries.AuditFilters:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    actor = request.GET.get("actor", "")
    return queries.AuditFilters(
        actor=int(actor) if actor.isdigit() else None,
        object_type=request.GET.get("type", "")[:40],
        action=request.GET.get("action", "")[:60],
        since=day("since"),
        until=day("until"),
        q=request.GET.get("q", "")[:100],
    )


@require_GET
@admin_required
def admin_audit(request: HttpRequest, person: Person) -> HttpResponse:
    """The whole workspace's history, newest first, with filters and pages."""
    filters = _filters(request)
    zone = person.workspace.zone
    page, entries = queries.workspace_history(
        person.workspace, filters, request.GET.get("page", 1), zone
    )
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "section": "audit",
        "filters": filters,
        "page": page,
        "entries": entries,
        "choices": queries.filter_choices(person.workspace),
        "query": query.urlencode(),
    }
    return render_page(request, person, "audit/admin_audit.html", context)


class _Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@require_GET
@admin_required
def admin_audit_export(request: HttpRequest, person: Person) -> StreamingHttpResponse:
    """The filtered log as CSV, streamed so a long history never sits in memory."""
    filters = _filters(request)
    zone = person.workspace.zone
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            ["at", "actor", "action", "object_type", "object_id", "object", "changes"]
        )
        for entry in queries.export_rows(person.workspace, filters, zone):
            yield writer.writerow(
                [
                    _cell(timezone.localtime(entry.at, zone).isoformat()),
                    _cell(entry.actor_name),
                    _cell(entry.action),
                    _cell(entry.object_type),
                    _cell(entry.object_id),
                    _cell(entry.object_repr),
                    _cell(_changes_text(entry.changes)),
                ]
            )

    stamp = timezone.localtime(timezone.now(), zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


def _changes_text(changes: Any) -> str:
    if not isinstance(changes, dict):
        return ""
    parts = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(
                f"{field}: {queries.show_value(value[0])} -> {queries.show_value(value[1])}"
            )
        else:
            parts.append(f"{field}: {queries.show_value(value)}")
    return "; ".join(parts)
