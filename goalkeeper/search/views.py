"""The search page and its JSON answer for the command palette (docs/navigation.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.search.actions import palette_actions
from goalkeeper.search.queries import KIND_LIMIT, KINDS, LIMIT, Hit, Results, search
from goalkeeper.web.templatetags.goalkeeper_ui import health_label


def _context(hit: Hit) -> tuple[str, ...]:
    """What the palette shows beside a hit: its context, and a KPI's health in words."""
    return (*hit.context, health_label(hit.tone)) if hit.kind == "kpi" else hit.context


def _answer(results: Results, person: Person) -> dict[str, Any]:
    return {
        "q": results.q,
        "actions": palette_actions(person),
        "groups": [
            {
                "kind": group.kind,
                "label": str(group.label),
                "more_url": group.more_url,
                "hits": [
                    {
                        "kind": hit.kind,
                        "id": hit.id,
                        "title": hit.title,
                        "url": hit.url,
                        "context": " · ".join(part for part in _context(hit) if part),
                    }
                    for hit in group.hits
                ],
            }
            for group in results.groups
        ],
    }


@require_GET
@member_required
def search_page(request: HttpRequest, person: Person) -> HttpResponse:
    """`?q=` across the workspace, grouped by kind; `?kind=` shows more of one kind;
    `?format=json` answers the palette."""
    kind = request.GET.get("kind", "")
    kinds = (kind,) if kind in KINDS else KINDS
    limit = KIND_LIMIT if kind in KINDS else LIMIT
    results = search(person, request.GET.get("q", ""), kinds=kinds, limit=limit)
    if request.GET.get("format") == "json":
        response = JsonResponse(_answer(results, person))
        # The answer names people and objectives: never kept by a shared cache.
        response["Cache-Control"] = "private, no-store"
        return response
    context = {"results": results, "kind": kind if kind in KINDS else ""}
    return render_page(request, person, "search/search.html", context)
