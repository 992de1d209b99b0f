"""The strategy map's page and its JSON answers (docs/strategy-map.md). Thin: resolve the
caller, check access, read through `insights.map.queries`, render.

Every read is scoped to the caller's workspace: another workspace's cycle or objective is a
404. Bad input (a cycle, parent or start that is not a number) is a 400 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.insights.map import present, queries
from goalkeeper.okrs.access import access_cycle_by_id, access_objective_by_id
from goalkeeper.okrs.cycles import current_cycle_for, newest_cycle
from goalkeeper.okrs.models import Cycle

# The longest id a query string may carry (longer is refused, not parsed).
ID_DIGITS = 12


class BadParameterError(ValueError):
    """A query parameter that is not what the map expects; the message names it."""


def _id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > ID_DIGITS:
        raise BadParameterError(f"{name}: expected a number, got {raw[:20]!r}")
    return int(raw)


def _cycle(request: HttpRequest, person: Person) -> Cycle | None:
    """The cycle asked for (`?cycle=`), else the person's working cycle, else the newest."""
    pk = _id(request, "cycle")
    cycle: Cycle | None = (
        access_cycle_by_id(person, pk)
        if pk is not None
        else current_cycle_for(person) or newest_cycle(person.workspace)
    )
    if cycle is not None:
        cycle.workspace = person.workspace
    return cycle


def _bad(error: BadParameterError) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


@require_GET
@member_required
def strategy_map(request: HttpRequest, person: Person) -> HttpResponse:
    """The strategy map of a cycle: `?cycle=<id>` picks it, `?focus=<objective id>` opens
    the path to an objective and marks it (what a search hit leads to without script)."""
    try:
        cycle = _cycle(request, person)
        focus = _id(request, "focus")
    except BadParameterError as error:
        return render_page(
            request, person, "insights/map/page.html", {"map": None, "error": str(error)}, 400
        )
    if cycle is None:
        return render_page(request, person, "insights/map/page.html", {"map": None})
    now = timezone.now()
    strategy = queries.strategy_map(person.workspace, cycle, now, focus=focus)
    query = request.GET.get("q", "")
    # Without script the search box submits here: the hits are listed above the map.
    search = queries.map_search(person.workspace, cycle, now, query) if query.strip() else None
    context: dict[str, Any] = {
        "map": strategy,
        "map_data": present.map_json(strategy),
        "map_words": present.map_words(),
        "query": query[:100],
        "search": present.search_json(search) if search is not None else None,
    }
    return render_page(request, person, "insights/map/page.html", context)


@require_GET
@member_required
def strategy_map_nodes(request: HttpRequest, person: Person) -> JsonResponse:
    """Nodes of the map as JSON: `?parent=<objective id>&start=<n>` one page of the
    objectives supporting it; else the whole map as the page first shows it
    (`?focus=<objective id>` opened on the path to an objective)."""
    try:
        parent = _id(request, "parent")
        focus = _id(request, "focus")
        start = _id(request, "start") or 0
        if parent is not None:
            # The objective first: another workspace's is missing whatever the cycle.
            objective = access_objective_by_id(person, parent)
            wanted = _id(request, "cycle")
            if wanted is not None and wanted != objective.cycle_id:
                raise Http404("no such objective in this cycle")
            objective.cycle.workspace = person.workspace
            page = queries.map_children(person.workspace, objective, timezone.now(), start)
            return JsonResponse(present.page_json(page))
        cycle = _cycle(request, person)
    except BadParameterError as error:
        return _bad(error)
    if cycle is None:
        return JsonResponse({"cycle": None, "root": None})
    now = timezone.now()
    strategy = queries.strategy_map(person.workspace, cycle, now, focus=focus)
    return JsonResponse(present.map_json(strategy))


@require_GET
@member_required
def strategy_map_search(request: HttpRequest, person: Person) -> JsonResponse:
    """Objectives matching `?q=` (title, owner or team) anywhere in the cycle, with paths."""
    try:
        cycle = _cycle(request, person)
    except BadParameterError as error:
        return _bad(error)
    if cycle is None:
        return JsonResponse({"cycle": None, "query": "", "total": 0, "hits": []})
    search = queries.map_search(person.workspace, cycle, timezone.now(), request.GET.get("q", ""))
    return JsonResponse(present.search_json(search))
