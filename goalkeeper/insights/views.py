"""The insights page. Thin: resolve the caller, check the cycle and team are theirs, read
through the insights read model, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person, Team
from goalkeeper.accounts.rendering import render_page
from goalkeeper.insights.page import insights_page
from goalkeeper.insights.scope import default_scope
from goalkeeper.okrs.access import access_cycle_by_id


def _id(request: HttpRequest, name: str) -> int | None:
    """An id from the query string; None when absent; 404 when not an id."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404(f"{name}: not an id")
    return int(raw)


@require_GET
@member_required
def insights(request: HttpRequest, person: Person) -> HttpResponse:
    """Insights of a cycle (`?cycle=`, default the active one) for a team subtree
    (`?team=`, default the company). Another workspace's cycle or team is a 404."""
    workspace = person.workspace
    cycle_id = _id(request, "cycle")
    team_id = _id(request, "team")
    if cycle_id is not None:
        access_cycle_by_id(person, cycle_id)
    if team_id is not None and not Team.objects.filter(workspace=workspace, pk=team_id).exists():
        raise Http404("team: not found")
    scope = default_scope(workspace, workspace.clock(timezone.now()), cycle_id, team_id)
    page = insights_page(scope) if scope is not None else None
    return render_page(request, person, "insights/insights.html", {"page": page})
